package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import dev.cf520.detect.ResponseWire;
import io.undertow.server.HttpServerExchange;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpServerExchange.invokeExchangeCompleteListeners()}: Undertow runs it once, when
 * both the request and the response are terminated. The response is terminated when its conduit
 * flushed the last byte to the socket, or truncated it, so every byte has gone out by now; on exit
 * the connection's own listener has also run (it closes a connection that cannot be reused). Async
 * servlet exchanges come here too, from whichever thread completes them.
 *
 * <p>A response cut short (a declared length or a chunked body not finished) after a throwable escaped
 * the handler is Undertow's own abort: it truncates the response conduit, which drops the connection.
 */
public final class CompleteAdvice {
    private CompleteAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.This HttpServerExchange exchange) {
        Exchange x = Exchanges.find(exchange);
        ResponseWire w = x == null ? null : x.response();
        if (w != null && x.cause() != null && w.finalHead() != null && !w.complete()
                && w.framing() != ResponseWire.Framing.CLOSE) {
            Exchanges.failed(exchange, true, null);
        }
        Exchanges.end(exchange);
    }
}
