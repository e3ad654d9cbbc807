package dev.cf520.instrument.jetty9;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpChannel;

/**
 * Inlined into {@code HttpChannel.onCompleted()}: Jetty runs it once per exchange, when its state machine
 * terminates after the response output was closed (the last write completed, or failed and the connection
 * was aborted), on whichever thread finished the exchange (async included).
 */
public final class CompletedAdvice {
    private CompletedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpChannel channel) {
        Exchanges.end(channel);
    }
}
