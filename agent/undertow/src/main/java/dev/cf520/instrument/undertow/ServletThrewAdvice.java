package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import io.undertow.server.HttpServerExchange;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ServletHandler.handleRequest(HttpServerExchange)}: a servlet threw. Undertow's
 * ServletInitialHandler catches it and answers a clean 500 when nothing was committed yet.
 */
public final class ServletThrewAdvice {
    private ServletThrewAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) HttpServerExchange exchange, @Advice.Thrown Throwable thrown) {
        if (thrown != null) {
            Exchanges.escaped(exchange, thrown);
        }
    }
}
