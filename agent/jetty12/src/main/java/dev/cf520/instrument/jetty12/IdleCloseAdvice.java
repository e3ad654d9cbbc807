package dev.cf520.instrument.jetty12;

import dev.cf520.detect.IdleCloses;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
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
 * When the channel already handles a request Jetty hands the timeout to the exchange, and what follows depends on
 * the exchange's threads: behind nginx at a 1000.5-1002.5 ms gap for a 1000 ms timeout, Jetty sometimes closed the
 * connection (nginx: 502) and sometimes answered 200 and kept it (it idled out a second later). So a request that
 * began less than the idle timeout ago (it arrived as the connection idled out; a slow exchange is not) only marks
 * the connection, and {@link ConnectionCloseAdvice} counts the close if it comes before the connection's next request.
 * <p>
 * What Jetty 12 shows of the race is not decisive at this point: request bytes in the kernel's receive queue (FIONREAD)
 * were measured here, behind nginx and in a raw-socket sweep, and 4 of 11 such requests still came back 200 (the
 * selector hands them to HttpConnection.onFillable concurrently, and Jetty may answer before its close lands). So the
 * close is only counted; a request Jetty runs on the closing connection and fails is flagged as its own exchange.
 */
public final class IdleCloseAdvice {
    private IdleCloseAdvice() {
    }

    /**
     * The request the channel handles as the timeout fires, read before Jetty acts on it: Jetty may run the exchange's
     * failure on another thread, which can complete the request (the channel's request is null again) or close the
     * connection before this advice's exit runs.
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Request enter(@Advice.This HttpConnection connection) {
        return connection.getHttpChannel().getRequest();
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This HttpConnection connection, @Advice.Return boolean closes,
            @Advice.Enter Request arrived) {
        EndPoint ep = connection.getEndPoint();
        if (closes && (!ep.isOpen() || ep.isOutputShutdown() || ep.isFillInterested() && !connection.getParser().isStart())) {
            return;
        }
        if (!closes && (arrived == null
                || System.nanoTime() - arrived.getBeginNanoTime() >= TimeUnit.MILLISECONDS.toNanos(ep.getIdleTimeout()))) {
            return; // Jetty times out a slow exchange in progress
        }
        // the connection's own port: the connector's getLocalPort() is -2 once a graceful shutdown (Server.setStopTimeout)
        // closed the accepting socket, and that shutdown cuts every idle connection's timeout to 1 s; a closed EndPoint
        // closes the address (null), so then the connector's
        int port = ep.getLocalSocketAddress() instanceof InetSocketAddress ? ((InetSocketAddress) ep.getLocalSocketAddress()).getPort()
                : connection.getConnector() instanceof NetworkConnector ? ((NetworkConnector) connection.getConnector()).getLocalPort() : -1;
        // at least the timeout: a request read since Jetty's check decided to close resets getIdleFor
        long idleMillis = ep instanceof IdleTimeout ? Math.max(((IdleTimeout) ep).getIdleFor(), ep.getIdleTimeout()) : -1;
        if (closes) {
            IdleCloses.closed(connection, "jetty", port, idleMillis);
        } else {
            IdleCloses.expiredWithRequest(connection, arrived, "jetty", port, idleMillis);
            if (!ep.isOpen()) {
                // the failed exchange closed the connection already, maybe before the mark was set (a CI run
                // missed one such close): counted now unless ConnectionCloseAdvice took the mark first
                IdleCloses.connectionClosed(connection);
            }
        }
    }
}
