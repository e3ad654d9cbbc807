package dev.cf520.instrument.jetty9;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import java.io.IOException;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpChannel;

/**
 * Inlined into {@code HttpChannel.abort(Throwable)}: Jetty closes the connection under the response.
 * An IOException is the peer gone (a failed write: Jetty's EofException), except
 * <ul>
 * <li>the one Jetty makes up itself when a committed response ends short of its Content-Length
 *     ("insufficient content written"): Jetty's own decision;</li>
 * <li>any IOException after Jetty already aborted the exchange: the write of the last chunk that
 *     follows every abort fails on the connection Jetty just closed, with the peer still there.</li>
 * </ul>
 */
public final class AbortAdvice {
    private AbortAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpChannel channel, @Advice.Argument(0) Throwable failure) {
        Exchange x = Exchanges.find(channel);
        if (x == null || failure instanceof IOException && x.originAborted()) {
            return;
        }
        boolean ownAbort = failure instanceof IOException && failure.getCause() == null
                && "insufficient content written".equals(failure.getMessage());
        Exchanges.failed(channel, true, ownAbort ? null : failure);
    }
}
