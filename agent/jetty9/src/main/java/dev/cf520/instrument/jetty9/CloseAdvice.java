package dev.cf520.instrument.jetty9;

import dev.cf520.detect.Exchanges;
import dev.cf520.detect.SocketPeek;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.ChannelEndPoint;

/**
 * Inlined into {@code ChannelEndPoint.doClose()}, the socket's real close. Jetty closes a connection whose
 * request body the application left unread once consuming what is available did not reach the end of it (it
 * marks the response non-persistent and closes after the last write); request bytes still in the kernel's
 * queue now are reset at this close. Probed only for a connection that served the exchange this thread ran
 * or ended last; a TLS connection's exchange is bound to its decrypted end point, not this one: not seen.
 */
public final class CloseAdvice {
    private CloseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This ChannelEndPoint endPoint) {
        if (Exchanges.servedOn(endPoint)) {
            Exchanges.closingWithUnread(endPoint, SocketPeek.unreadBytes(endPoint.getChannel()), "jetty");
        }
    }
}
