package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Inlined into {@code HttpConnection$HttpStreamOverHTTP1.succeeded()}: Jetty completes the HTTP/1
 * stream only after the last write of the response completed, then recycles the channel for the
 * next request (or closes). The exchange ends on the way out.
 */
public final class StreamSucceededAdvice {
    private StreamSucceededAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Request enter(@Advice.FieldValue("this$0") HttpConnection connection) {
        return connection.getHttpChannel().getRequest();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Request req) {
        if (req != null) {
            Exchanges.end(req);
        }
    }
}
