package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchanges;
import java.io.IOException;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Inlined into {@code HttpConnection$HttpStreamOverHTTP1.failed(Throwable)}: Jetty aborts the
 * HTTP/1 stream, which closes the connection. The failure says who caused it:
 * <ul>
 * <li>an {@link EofException} anywhere in it: the socket failed (SocketChannelEndPoint wraps every
 *     write IOException in one, the parser raises one on early EOF): the peer went away;</li>
 * <li>a bare IOException without one: Jetty refused its own framing ("content-length 10000 != 412
 *     written"); not a throwable of the application: the wire shows what was cut;</li>
 * <li>the request body left unread ({@code HttpStream.CONTENT_NOT_CONSUMED}): the response is
 *     complete, the connection just cannot be reused;</li>
 * <li>anything else (a Handler's or servlet's throwable, an idle timeout): Jetty's own abort.</li>
 * </ul>
 */
public final class StreamFailedAdvice {
    private StreamFailedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Request enter(@Advice.FieldValue("this$0") HttpConnection connection,
            @Advice.Argument(0) Throwable failure) {
        Request req = connection.getHttpChannel().getRequest();
        boolean peerGone = false;
        boolean unread = false;
        for (Throwable t = failure; t != null && !peerGone; t = t.getCause() == t ? null : t.getCause()) {
            peerGone = t instanceof EofException;
            unread |= t == HttpStream.CONTENT_NOT_CONSUMED;
        }
        if (req != null && (peerGone || !unread && !(failure instanceof IOException))) {
            Exchanges.failed(req, true, failure);
        }
        return req;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Request req) {
        if (req != null) {
            Exchanges.end(req);
        }
    }
}
