package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import dev.cf520.detect.IdleCloses;
import io.undertow.Undertow;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http.HttpServerConnection;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code Undertow.stop()}. Undertow has no drain of its own: a GracefulShutdownHandler does it
 * before (Spring Boot's {@code server.shutdown=graceful} calls its {@code shutdown()}, answers new requests 503,
 * waits for the active ones to end, and only then calls {@code Undertow.stop()}), and it leaves idle keep-alive
 * connections open. {@code stop()} closes the listening channels, then {@code XnioWorker.shutdown()}, whose IO
 * threads close every channel they still hold (idle or not); the exchanges in flight keep running on their
 * worker threads, with nowhere to send the response, and {@code stop()} waits for them (for
 * {@code UndertowOptions.SHUTDOWN_TIMEOUT}, or for ever). Only a worker {@code start()} created is shut: with the
 * application's own worker ({@code Builder.setWorker}) the connections outlive {@code stop()}, and nothing is
 * reported. Idle connections are counted on HTTP/1.x listeners: HttpOpenListener tracks its open connections in a
 * private set (statistics or not); an HTTPS listener with HTTP/2 (ALPN) is not counted.
 */
public final class ServerStopAdvice {
    private ServerStopAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("listenerInfo") List<Undertow.ListenerInfo> listeners,
            @Advice.FieldValue("internalWorker") boolean closesConnections) throws Exception {
        if (listeners == null || !closesConnections) {
            return; // not started, or the application's worker keeps the connections
        }
        Exchanges.shutdown("undertow");
        Field open = Undertow.ListenerInfo.class.getDeclaredField("openListener");
        open.setAccessible(true);
        Field tracked = HttpOpenListener.class.getDeclaredField("connections");
        tracked.setAccessible(true);
        for (Undertow.ListenerInfo l : listeners) {
            Object listener = open.get(l);
            if (listener instanceof HttpOpenListener && l.getAddress() instanceof InetSocketAddress) {
                int idle = 0;
                for (Object c : (Set<?>) tracked.get(listener)) {
                    idle += Exchanges.inFlightOn(((HttpServerConnection) c).getChannel()) ? 0 : 1;
                }
                IdleCloses.closedAtShutdown("undertow", ((InetSocketAddress) l.getAddress()).getPort(), idle);
            }
        }
    }
}
