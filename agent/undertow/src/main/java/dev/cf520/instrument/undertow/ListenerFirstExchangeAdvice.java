package dev.cf520.instrument.undertow;

import dev.cf520.detect.ConnectorSettings;
import dev.cf520.detect.Connectors;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.http.HttpServerConnection;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;
import org.xnio.OptionMap;

/**
 * Inlined into {@code Connectors.executeRootHandler}: when cf520 is attached to a running JVM the listeners
 * started before it, so each one's idle settings are read at its first HTTP/1.x exchange, from the options
 * the listener handed its connection (a scan of the few ports seen after that, allocating nothing). Same rule as ListenerStartAdvice.
 */
public final class ListenerFirstExchangeAdvice {
    private ListenerFirstExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(1) HttpServerExchange exchange) {
        ServerConnection c = exchange.getConnection();
        if (c instanceof HttpServerConnection) {
            int port = c.getLocalAddress(InetSocketAddress.class).getPort();
            if (!Connectors.knownPort("undertow", port)) {
                String key = "undertow:" + port;
                OptionMap o = c.getUndertowOptions();
                long idle = o.get(UndertowOptions.NO_REQUEST_TIMEOUT, -1);
                int read = o.get(UndertowOptions.IDLE_TIMEOUT, -1);
                Connectors.report(key, new ConnectorSettings("undertow", port,
                        read > 0 && (idle <= 0 || read < idle) ? read : idle, -1, -1));
            }
        }
    }
}
