package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpChannelState;

/**
 * Inlined into {@code HttpChannelState.completeStream(HttpStream, Throwable)} (Jetty 12.1), "the only
 * place the stream is succeeded or failed", for every protocol: it ends exchanges of streams other
 * than HTTP/1 (HTTP/2, unjudged). An HTTP/1 exchange has already ended inside, in the stream's
 * own succeeded/failed, so this is a no-op for it.
 */
public final class CompleteStreamAdvice {
    private CompleteStreamAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Request enter(@Advice.This HttpChannelState channel) {
        return channel.getRequest();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Request req) {
        if (req != null) {
            Exchanges.end(req);
        }
    }
}
