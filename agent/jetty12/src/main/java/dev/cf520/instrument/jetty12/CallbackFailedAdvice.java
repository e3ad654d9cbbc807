package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;

/**
 * Inlined into {@code HttpChannelState$ChannelCallback.failed(Throwable)}: the handler tree failed
 * the exchange's callback, or threw (HttpChannelState$HandlerInvoker catches what a core Handler
 * throws and fails the callback with it). Jetty still answers a clean 500 when nothing was
 * committed, so the wire decides whether it is a risk; the throwable becomes the exception event.
 * A failed write to a peer that went away is not the application's throwable.
 */
public final class CallbackFailedAdvice {
    private CallbackFailedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("_request") Request req, @Advice.Argument(0) Throwable failure) {
        if (!(failure instanceof EofException)) {
            Exchanges.escaped(req, failure);
        }
    }
}
