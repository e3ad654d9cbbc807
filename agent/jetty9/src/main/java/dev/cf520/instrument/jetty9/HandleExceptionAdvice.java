package dev.cf520.instrument.jetty9;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpChannel;

/**
 * Inlined into {@code HttpChannel.handleException(Throwable)}: a throwable (Errors included) left the
 * servlet, a filter or an async dispatch. Jetty answers a clean error page when nothing was committed
 * yet and aborts the connection otherwise; the wire decides whether it is a risk.
 */
public final class HandleExceptionAdvice {
    private HandleExceptionAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpChannel channel, @Advice.Argument(0) Throwable failure) {
        Exchanges.escaped(channel, failure);
    }
}
