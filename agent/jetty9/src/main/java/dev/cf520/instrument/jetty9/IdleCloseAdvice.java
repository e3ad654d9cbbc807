package dev.cf520.instrument.jetty9;

import dev.cf520.detect.IdleCloses;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeoutException;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.HttpConnection;

/**
 * Inlined into {@code HttpConnection.onFillInterestedFailed(Throwable)}. When an EndPoint's idle
 * timeout passes, {@code AbstractEndPoint.onIdleExpired} fails whatever waits to read: between
 * requests that is the connection's own wait for the next request (a servlet's blocking read waits
 * on a callback of its own), and it lands here with a TimeoutException; Jetty shuts the output (FIN)
 * and closes when the peer answers or the timeout passes again. Counted once, at the FIN: the output
 * still open, the parser waiting for a request's first byte (an async body read or a part of a
 * request already parsed is not an idle connection).
 * <p>
 * A race Jetty can see: request bytes already in the kernel's receive queue at the FIN (FIONREAD, a peek that
 * consumes nothing): an idle_close_race. Jetty then waits to read again after its FIN, reads that request and
 * runs the application on a connection whose output is shut: the servlet answers, the response never leaves.
 */
public final class IdleCloseAdvice {
    private IdleCloseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpConnection connection, @Advice.Argument(0) Throwable cause) {
        EndPoint ep = connection.getEndPoint();
        if (cause instanceof TimeoutException && ep.isOpen() && !ep.isOutputShutdown() && connection.getParser().isStart()) {
            // the connection's own port: the connector's getLocalPort() is -2 once Server.doStop shut it (closing the
            // accepting socket) and, with a StatisticsHandler, drains for up to its stop timeout
            int port = ep.getLocalAddress() == null ? -1 : ep.getLocalAddress().getPort();
            // at least the timeout: a request read since Jetty's check decided to close resets getIdleFor
            long idleMillis = ep instanceof IdleTimeout ? Math.max(((IdleTimeout) ep).getIdleFor(), ep.getIdleTimeout()) : -1;
            int unread = 0;
            try {
                Object channel = ep.getTransport();
                unread = channel instanceof SocketChannel ? ((SocketChannel) channel).socket().getInputStream().available() : 0;
            } catch (Throwable t) {
                unread = 0; // no FIONREAD here: the race stays invisible
            }
            if (unread > 0) {
                IdleCloses.raced("jetty", port, String.valueOf(ep.getRemoteAddress()).replaceFirst("^[^/]*/", ""), idleMillis, unread);
            } else {
                IdleCloses.closed("jetty", port, idleMillis);
            }
        }
    }
}
