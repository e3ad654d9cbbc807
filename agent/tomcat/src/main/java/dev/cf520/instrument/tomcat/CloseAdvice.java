package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import dev.cf520.detect.SocketPeek;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.Response;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Inlined into {@code Http11OutputBuffer.recycle()}. An exchange still running here ends with its connection:
 * the service loop left without {@code nextRequest()} (an error state, Connection: close, or
 * {@code Http11InputBuffer.endRequest} gave up swallowing the unread body past maxSwallowSize, 2 MiB by default),
 * the handler releases the processor and {@code SocketProcessor} closes the socket next, with no drain. Request
 * bytes still in the kernel's queue now are reset at that close. (On keep-alive the exchange ended at
 * {@code nextRequest()} and nothing is probed.) NIO2's channel has no FIONREAD: not seen there.
 */
public final class CloseAdvice {
    private CloseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("response") Response response,
            @Advice.FieldValue("socketWrapper") SocketWrapperBase<?> socket) {
        // by the request, not the socket: recycle runs after every keep-alive exchange, which already ended
        if (Exchanges.runningOn(response.getRequest(), socket) && socket.getSocket() instanceof NioChannel) {
            Exchanges.closingWithUnread(socket, SocketPeek.unreadBytes(((NioChannel) socket.getSocket()).getIOChannel()),
                    "tomcat");
        }
        Exchanges.end(response.getRequest());
    }
}
