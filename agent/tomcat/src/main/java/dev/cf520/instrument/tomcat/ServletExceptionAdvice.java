package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.apache.catalina.connector.Request;

/**
 * Inlined into {@code StandardWrapperValve.exception(Request, Response, Throwable, int)}: a servlet
 * or filter threw. Tomcat turns it into a clean 500 when nothing was committed yet, so the wire
 * decides whether it is a risk; the exception itself becomes the span's exception event.
 */
public final class ServletExceptionAdvice {
    private ServletExceptionAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) Request request, @Advice.Argument(2) Throwable thrown) {
        Exchanges.escaped(request.getCoyoteRequest(), thrown);
    }
}
