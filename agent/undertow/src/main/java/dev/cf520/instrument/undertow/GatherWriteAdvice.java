package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import java.io.IOException;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into XNIO's {@code NioSocketConduit.write(ByteBuffer[], int, int)} (cleartext) and Undertow's
 * {@code SslConduit.doWrap(ByteBuffer[], int, int)} (the plaintext every TLS write goes through): the
 * consumed range of each buffer is fed. {@code NioSocketConduit.write} hands a single buffer on to
 * {@code write(ByteBuffer)}, which feeds it itself.
 */
public final class GatherWriteAdvice {
    private GatherWriteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int[] enter(@Advice.Origin("#m") String method, @Advice.Argument(0) ByteBuffer[] srcs,
            @Advice.Argument(1) int off, @Advice.Argument(2) int len) {
        if (srcs == null || len <= 0 || len == 1 && method.equals("write")) {
            return null;
        }
        int[] start = new int[len];
        for (int i = 0; i < len; i++) {
            start[i] = srcs[off + i].position();
        }
        return start;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("connection") Object connection, @Advice.Argument(0) ByteBuffer[] srcs,
            @Advice.Argument(1) int off, @Advice.Enter int[] start, @Advice.Thrown Throwable thrown) {
        if (thrown instanceof IOException) {
            Exchanges.failedOnConnection(connection, false, thrown);
            return;
        }
        for (int i = 0; thrown == null && start != null && i < start.length; i++) {
            ByteBuffer b = srcs[off + i];
            if (b.position() > start[i]) {
                ByteBuffer consumed = b.duplicate();
                consumed.limit(b.position());
                consumed.position(start[i]);
                Exchanges.wire(connection, consumed);
            }
        }
    }
}
