package dev.cf520.instrument.jetty9;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;

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
        Exchange x = Exchanges.find(channel);
        if (x != null) {
            // customizers ran at dispatch, after the exchange began: SecureRequestCustomizer sets https,
            // ForwardedRequestCustomizer the scheme, host and port the client asked for
            Request req = channel.getRequest();
            x.scheme(req.getScheme());
            x.server(req.getServerName(), req.getServerPort());
        }
        Exchanges.end(channel);
    }
}
