package dev.cf520.instrument.tomcat;

import dev.cf520.detect.ConnectorSettings;
import dev.cf520.detect.Connectors;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.http11.AbstractHttp11Protocol;

/**
 * Inlined into {@code AbstractProtocol.start()}: the connector's keep-alive settings as the endpoint
 * will use them. Tomcat's keepAliveTimeout falls back to connectionTimeout (60 s embedded, 20 s in
 * the stock server.xml); -1 means never.
 */
public final class ConnectorStartAdvice {
    private ConnectorStartAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This AbstractProtocol<?> protocol) {
        if (protocol instanceof AbstractHttp11Protocol) {
            AbstractHttp11Protocol<?> p = (AbstractHttp11Protocol<?>) protocol;
            Connectors.report(p, new ConnectorSettings("tomcat", p.getLocalPort() > 0 ? p.getLocalPort() : p.getPort(),
                    p.getKeepAliveTimeout(), p.getMaxKeepAliveRequests(), p.getMaxHttpResponseHeaderSize()));
        }
    }
}
