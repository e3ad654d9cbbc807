package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.Response;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Inlined into {@code Http11OutputBuffer.commit()} and {@code writeHeaders()}: the header block is
 * about to go out, so bind the exchange to its connection; the bytes themselves are read at the socket.
 */
public final class HeadersAdvice {
    private HeadersAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("response") Response response,
            @Advice.FieldValue("socketWrapper") SocketWrapperBase<?> socket) {
        Exchanges.bindConnection(response.getRequest(), socket);
    }
}
