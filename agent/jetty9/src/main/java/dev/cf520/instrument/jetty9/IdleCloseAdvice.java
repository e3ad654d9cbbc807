package dev.cf520.instrument.jetty9;

import dev.cf520.detect.IdleCloses;
import java.util.concurrent.TimeoutException;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.NetworkConnector;

/**
 * Inlined into {@code HttpConnection.onFillInterestedFailed(Throwable)}. When an EndPoint's idle
 * timeout passes, {@code AbstractEndPoint.onIdleExpired} fails whatever waits to read: between
 * requests that is the connection's own wait for the next request (a servlet's blocking read waits
 * on a callback of its own), and it lands here with a TimeoutException; Jetty shuts the output (FIN)
 * and closes when the peer answers or the timeout passes again. Counted once, at the FIN: the output
 * still open, the parser waiting for a request's first byte (an async body read or a part of a
 * request already parsed is not an idle connection).
 */
public final class IdleCloseAdvice {
    private IdleCloseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpConnection connection, @Advice.Argument(0) Throwable cause) {
        EndPoint ep = connection.getEndPoint();
        if (cause instanceof TimeoutException && ep.isOpen() && !ep.isOutputShutdown() && connection.getParser().isStart()) {
            Connector c = connection.getConnector();
            IdleCloses.closed("jetty", c instanceof NetworkConnector ? ((NetworkConnector) c).getLocalPort() : -1,
                    ep instanceof IdleTimeout ? ((IdleTimeout) ep).getIdleFor() : -1);
        }
    }
}
