package dev.cf520.instrument.undertow;

import dev.cf520.detect.IdleCloses;
import dev.cf520.detect.SocketPeek;
import io.undertow.server.AbstractServerConnection;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;
import org.xnio.channels.ConnectedChannel;

/**
 * Inlined into {@code ParseTimeoutUpdater.run()}, the IO-thread timer behind NO_REQUEST_TIMEOUT: it closes
 * the connection when it has been idle (no request since the last response, or since accept) past the
 * timeout; it fires 50 ms after the deadline. A request partly read turns the timer into the parse timeout
 * ({@code parsing}), a parsed one cancels it ({@code expireTime} -1), so bytes Undertow has read are never
 * lost here: what is lost is a request still in the socket's receive buffer (the IO thread ran the timer
 * before the read), and closing a socket with unread bytes sends RST. Those bytes are counted with FIONREAD
 * (the SocketChannel under the connection's XNIO NioSocketStreamConnection; a TLS connection's is not
 * reachable this way and HTTP/2 has no such connection: those are counted as closes). Bytes arriving after the
 * probe, while Undertow closes the connection (close listeners, XNIO, the socket), are not seen: their RST is
 * counted as a plain close.
 */
public final class IdleCloseAdvice {
    private IdleCloseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.FieldValue("connection") ConnectedChannel connection,
            @Advice.FieldValue("expireTime") long expireTime, @Advice.FieldValue("parsing") boolean parsing,
            @Advice.FieldValue("requestIdleTimeout") long idleTimeout, @Advice.Local("unread") int unread) {
        long now = System.currentTimeMillis();
        if (parsing || expireTime <= 0 || expireTime > now + 1 || !connection.isOpen()) {
            return -1; // not an idle close: none due (run reschedules), a parse timeout, or already closed
        }
        // HTTP/1.x and AJP: the server connection over XNIO's NioSocketStreamConnection, whose SocketChannel is
        // package-private; HTTP/2 and TLS (its conduit wraps the socket) have none: counted as a close
        unread = connection instanceof AbstractServerConnection
                ? SocketPeek.unreadBytesVia(((AbstractServerConnection) connection).getChannel(), "getChannel") : 0;
        return now - expireTime + idleTimeout; // idle since connectionIdle() set expireTime = then + timeout
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Enter long idleMillis, @Advice.FieldValue("connection") ConnectedChannel connection,
            @Advice.Local("unread") int unread) {
        if (idleMillis < 0 || connection.isOpen()) {
            return;
        }
        InetSocketAddress local = connection.getLocalAddress(InetSocketAddress.class);
        int port = local == null ? -1 : local.getPort();
        if (unread > 0) {
            InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
            IdleCloses.raced("undertow", port, peer == null || peer.getAddress() == null ? null
                    : peer.getAddress().getHostAddress(), idleMillis, unread);
        } else {
            IdleCloses.closed("undertow", port, idleMillis);
        }
    }
}
