package dev.cf520.instrument.jetty9;

import dev.cf520.detect.Exchanges;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ChannelEndPoint.flush(ByteBuffer...)}, Jetty 9.4's only write to the socket
 * (a gathering, non-blocking write: it may take part of the buffers and leave the rest for later).
 * The buffers' positions are kept on enter; on exit only what the socket consumed is fed.
 */
public final class FlushAdvice {
    private FlushAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int[] enter(@Advice.Argument(0) ByteBuffer[] buffers) {
        int[] start = new int[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            start[i] = buffers[i] == null ? 0 : buffers[i].position();
        }
        return start;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.This Object endPoint, @Advice.Argument(0) ByteBuffer[] buffers,
            @Advice.Enter int[] start) {
        for (int i = 0; start != null && i < buffers.length && i < start.length; i++) {
            ByteBuffer b = buffers[i];
            if (b != null && b.position() > start[i]) {
                ByteBuffer consumed = b.duplicate();
                consumed.limit(b.position());
                consumed.position(start[i]);
                Exchanges.wire(endPoint, consumed);
            }
        }
    }
}
