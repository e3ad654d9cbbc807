package dev.cf520.instrument.jetty12;

import dev.cf520.detect.IdleCloses;
import java.util.concurrent.TimeoutException;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Inlined into {@code HttpConnection.onFillInterestedFailed(Throwable)}. When an EndPoint's idle
 * timeout passes, {@code AbstractEndPoint.onIdleExpired} asks the connection first: Jetty 12's
 * HttpConnection lets it go on only when no request is being handled, and the EndPoint then fails
 * the connection's wait for the next request with a TimeoutException, which lands here; Jetty
 * shuts the output (FIN) and closes when the peer answers or the timeout passes again. Counted
 * once, at the FIN: the output still open, the parser waiting for a request's first byte (a part
 * of a request already parsed is a slow request, not an idle connection).
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
