package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.ee10.servlet.ServletChannel;
import org.eclipse.jetty.server.Request;

/**
 * Inlined into ee10 {@code ServletChannel.handleException(Throwable)}: a servlet or filter threw
 * (also an Error). Before commit Jetty sends an error page and completes the callback normally,
 * so the core callback never sees the throwable; the innermost request is the exchange key.
 */
public final class ServletExceptionAdvice {
    private ServletExceptionAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This ServletChannel channel, @Advice.Argument(0) Throwable failure) {
        Exchanges.escaped(Request.unWrap(channel.getServletContextRequest()), failure);
    }
}
