package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.Response;

/**
 * Inlined into {@code Http11OutputBuffer.nextRequest()} (keep-alive; {@link CloseAdvice} when the connection
 * closes): every byte of the exchange has been handed to the socket by now.
 */
public final class EndAdvice {
    private EndAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("response") Response response) {
        Exchanges.end(response.getRequest());
    }
}
