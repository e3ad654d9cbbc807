package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.Request;
import org.apache.tomcat.util.net.SendfileDataBase;

/**
 * Inlined into {@code Http11Processor.prepareSendfile}: Tomcat's DefaultServlet sends static files
 * over 48 KiB with sendfile, straight from the file to the socket. Without this, such a body would
 * look truncated (declared length, no body bytes written).
 */
public final class SendfileAdvice {
    private SendfileAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("request") Request request,
            @Advice.FieldValue("sendfileData") SendfileDataBase data) {
        if (data != null) {
            Exchange x = Exchanges.find(request);
            if (x != null) {
                x.sendfile(data.length);
            }
        }
    }
}
