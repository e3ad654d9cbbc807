package dev.cf520.instrument.tomcat;

import dev.cf520.detect.ConnectorSettings;
import dev.cf520.detect.Connectors;
import net.bytebuddy.asm.Advice;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.http11.AbstractHttp11Protocol;

/**
 * Inlined into {@code CoyoteAdapter.service}: when cf520 is attached to a running JVM the connectors
 * started before it, so each one's settings are read at its first exchange (one map lookup after that).
 */
public final class ConnectorFirstExchangeAdvice {
    private ConnectorFirstExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("connector") Connector connector) {
        ProtocolHandler handler = connector.getProtocolHandler();
        if (handler instanceof AbstractHttp11Protocol && !Connectors.known(handler)) {
            AbstractHttp11Protocol<?> p = (AbstractHttp11Protocol<?>) handler;
            Connectors.report(p, new ConnectorSettings("tomcat", p.getLocalPort() > 0 ? p.getLocalPort() : p.getPort(),
                    p.getKeepAliveTimeout(), p.getMaxKeepAliveRequests(), p.getMaxHttpResponseHeaderSize()));
        }
    }
}
