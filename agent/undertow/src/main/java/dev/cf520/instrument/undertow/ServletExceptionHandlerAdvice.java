package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import io.undertow.server.HttpServerExchange;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code LoggingExceptionHandler.handleThrowable(HttpServerExchange, ServletRequest,
 * ServletResponse, Throwable)}, the deployment's default exception handler: a servlet or a filter threw.
 */
public final class ServletExceptionHandlerAdvice {
    private ServletExceptionHandlerAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) HttpServerExchange exchange, @Advice.Argument(3) Throwable thrown) {
        Exchanges.escaped(exchange, thrown);
    }
}
