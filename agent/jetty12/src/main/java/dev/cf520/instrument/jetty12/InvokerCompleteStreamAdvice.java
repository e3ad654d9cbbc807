package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpChannelState;

/**
 * Jetty 12.0's place of {@link CompleteStreamAdvice}: there {@code completeStream(HttpStream, Throwable)}
 * is a method of the inner {@code HttpChannelState$HandlerInvoker}, reaching its channel as {@code this$0}.
 */
public final class InvokerCompleteStreamAdvice {
    private InvokerCompleteStreamAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Request enter(@Advice.FieldValue("this$0") HttpChannelState channel) {
        return channel.getRequest();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Request req) {
        if (req != null) {
            Exchanges.end(req);
        }
    }
}
