package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.ErrorState;
import org.apache.coyote.Request;

/**
 * Inlined into {@code AbstractProcessor.setErrorState(ErrorState, Throwable)}. Tomcat's CLOSE_NOW
 * and CLOSE_CONNECTION_NOW forbid further I/O on the response: the connection is dropped. With an
 * IOException that is the peer gone (client abort); otherwise Tomcat's own decision, e.g. the
 * ErrorReportValve aborting a committed response after an exception.
 */
public final class ErrorStateAdvice {
    private ErrorStateAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("request") Request request, @Advice.Argument(0) ErrorState state,
            @Advice.Argument(1) Throwable cause) {
        Exchanges.failed(request, !state.isIoAllowed(), cause);
    }
}
