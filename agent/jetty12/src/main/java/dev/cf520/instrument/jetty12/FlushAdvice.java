package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchanges;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code SocketChannelEndPoint.flush(ByteBuffer...)}, Jetty's gathering write to the
 * socket. The write is non-blocking and may be partial: the positions are recorded on entry and
 * only the bytes the socket consumed are fed on exit (a failed write consumed nothing).
 */
public final class FlushAdvice {
    private FlushAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int[] enter(@Advice.Argument(0) ByteBuffer[] buffers) {
        if (!Exchanges.installed()) {
            return null;
        }
        int[] start = new int[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            start[i] = buffers[i] == null ? 0 : buffers[i].position();
        }
        return start;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.This Object endPoint, @Advice.Argument(0) ByteBuffer[] buffers,
            @Advice.Enter int[] start) {
        for (int i = 0; start != null && i < buffers.length; i++) {
            ByteBuffer b = buffers[i];
            if (b != null && b.position() > start[i]) {
                ByteBuffer consumed = b.duplicate();
                consumed.limit(b.position()).position(start[i]);
                Exchanges.wire(endPoint, consumed);
            }
        }
    }
}
