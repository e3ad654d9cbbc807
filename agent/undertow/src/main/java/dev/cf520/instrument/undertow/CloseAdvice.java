package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import dev.cf520.detect.SocketPeek;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into XNIO's {@code NioSocketStreamConnection.closeAction()}, the socket's real close. Undertow ends a
 * non-persistent exchange with {@code ConnectionUtils.cleanClose}: it shuts down output, reads one byte, and
 * closes at once if one was there (or at the first that arrives within io.undertow.max-drain-time, 10 s); a
 * request over the servlet's max entity size (10 MiB by default) is answered 413 and closed that way. Request
 * bytes still in the kernel's queue now are reset at this close. Probed only for a connection that served the
 * exchange this thread runs or ended last; TLS wraps the socket in its own conduit: not seen there.
 */
public final class CloseAdvice {
    private CloseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object connection) {
        if (Exchanges.servedOn(connection)) {
            Exchanges.closingWithUnread(connection, SocketPeek.unreadBytesVia(connection, "getChannel"), "undertow");
        }
    }
}
