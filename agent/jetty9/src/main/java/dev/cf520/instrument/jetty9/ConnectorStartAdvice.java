package dev.cf520.instrument.jetty9;

import dev.cf520.detect.ConnectorSettings;
import dev.cf520.detect.Connectors;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Inlined into {@code ServerConnector.doStart()} (on its normal exit: the socket is bound): the idle
 * timeout the connector's EndPoints get (AbstractConnector's, Jetty's default 30 s; 0 means never) and
 * the response header limit of its HTTP/1.1 configuration. Jetty has no keep-alive request limit (-1).
 */
public final class ConnectorStartAdvice {
    private ConnectorStartAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This ServerConnector connector) {
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        Connectors.report(connector, new ConnectorSettings("jetty", connector.getLocalPort(), connector.getIdleTimeout(),
                -1, http == null ? -1 : http.getHttpConfiguration().getResponseHeaderSize()));
    }
}
