package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import io.undertow.server.HttpServerExchange;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code UndertowLogger_$logger.undertowRequestFailed(Throwable, HttpServerExchange)}:
 * {@code Connectors.executeRootHandler} caught a throwable from a plain HttpHandler and logs it just
 * before it ends the exchange (a clean 500 when nothing was sent yet).
 */
public final class RequestFailedAdvice {
    private RequestFailedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) Throwable thrown, @Advice.Argument(1) HttpServerExchange exchange) {
        Exchanges.escaped(exchange, thrown);
    }
}
