package dev.cf520.instrument.undertow;

import dev.cf520.detect.ConnectorSettings;
import dev.cf520.detect.Connectors;
import io.undertow.UndertowOptions;
import io.undertow.server.OpenListener;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import org.xnio.OptionMap;

/**
 * Inlined into the constructor of {@code Undertow.ListenerInfo(protocol, address, openListener, ssl, channel)}:
 * {@code Undertow.start()} builds one per bound listener, with its actual port and the live open listener.
 * An idle keep-alive connection is closed after NO_REQUEST_TIMEOUT (Undertow.start() defaults it to 60 s,
 * a bare HttpOpenListener to never) or, when shorter, IDLE_TIMEOUT (a read timeout on every connection).
 * The key is the port, the one thing an exchange on this listener also knows (see ListenerFirstExchangeAdvice).
 */
public final class ListenerStartAdvice {
    private ListenerStartAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) String protocol, @Advice.Argument(1) SocketAddress address,
            @Advice.Argument(2) OpenListener listener) {
        if (("http".equals(protocol) || "https".equals(protocol)) && address instanceof InetSocketAddress) {
            OptionMap o = listener.getUndertowOptions();
            int port = ((InetSocketAddress) address).getPort();
            long idle = o.get(UndertowOptions.NO_REQUEST_TIMEOUT, -1);
            int read = o.get(UndertowOptions.IDLE_TIMEOUT, -1);
            Connectors.report("undertow:" + port, new ConnectorSettings("undertow", port,
                    read > 0 && (idle <= 0 || read < idle) ? read : idle, -1, -1));
        }
    }
}
