package dev.cf520.instrument.jetty9;

import dev.cf520.detect.ConnectorSettings;
import dev.cf520.detect.Connectors;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Inlined into {@code HttpChannel.onRequest}: when cf520 is attached to a running JVM its connectors
 * started before it, so each one's settings are read at its first exchange (one map lookup after that).
 */
public final class ConnectorFirstExchangeAdvice {
    private ConnectorFirstExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpChannel channel) {
        Connector c = channel.getConnector();
        if (c instanceof ServerConnector && !Connectors.known(c)) {
            ServerConnector connector = (ServerConnector) c;
            HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
            Connectors.report(connector, new ConnectorSettings("jetty", connector.getLocalPort(),
                    connector.getIdleTimeout(), -1, http == null ? -1 : http.getHttpConfiguration().getResponseHeaderSize()));
        }
    }
}
