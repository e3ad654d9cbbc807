package dev.cf520.instrument.jetty12;

import dev.cf520.detect.IdleCloses;
import java.nio.channels.SocketChannel;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Inlined into {@code HttpConnection.onIdleExpired(TimeoutException)}. When an EndPoint's idle timeout passes,
 * {@code AbstractEndPoint.onIdleExpired} asks the connection first; Jetty 12's HttpConnection answers true (go on
 * and close) when its channel handles no request. The EndPoint then either fails the connection's wait for the
 * next request (HttpConnection.onFillInterestedFailed: Jetty shuts the output, a FIN, and closes when the peer
 * answers or the timeout passes again), or, when nothing waits to read because a request that just arrived is
 * being read and parsed, closes the EndPoint outright; the application may still run that request on the closed
 * connection (its exchange then ends as no_response or exception_after_commit with a TimeoutException).
 * Counted once, here: the output still open; a part of a request already parsed while Jetty waits for the rest is
 * a slow request, not an idle connection.
 * <p>
 * What Jetty can see of the race: request bytes in the kernel's receive queue at the close (FIONREAD, a peek that
 * consumes nothing): an idle_close_race. Bytes already read into Jetty's own buffer, or arriving after the FIN
 * (Jetty's parser is closed by then: they are read and dropped), are not seen here.
 */
public final class IdleCloseAdvice {
    private IdleCloseAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This HttpConnection connection, @Advice.Return boolean closes) {
        EndPoint ep = connection.getEndPoint();
        if (!closes || !ep.isOpen() || ep.isOutputShutdown() || ep.isFillInterested() && !connection.getParser().isStart()) {
            return;
        }
        Connector c = connection.getConnector();
        int port = c instanceof NetworkConnector ? ((NetworkConnector) c).getLocalPort() : -1;
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
            IdleCloses.raced("jetty", port, String.valueOf(ep.getRemoteSocketAddress()).replaceFirst("^[^/]*/", ""),
                    idleMillis, unread);
        } else {
            IdleCloses.closed("jetty", port, idleMillis);
        }
    }
}
