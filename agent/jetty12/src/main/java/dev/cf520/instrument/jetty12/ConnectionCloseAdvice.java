package dev.cf520.instrument.jetty12;

import dev.cf520.detect.IdleCloses;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code AbstractConnection.onClose(Throwable)} (Jetty 12's HttpConnection inherits it), which the
 * EndPoint calls once its socket (or, over TLS, the decrypted end point) closed: counts the close of a connection
 * whose idle timeout fired as its request arrived ({@link IdleCloseAdvice}). Every connection type passes here; the
 * call costs a look into an empty map unless such a timeout is pending.
 */
public final class ConnectionCloseAdvice {
    private ConnectionCloseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object connection) {
        IdleCloses.connectionClosed(connection);
    }
}
