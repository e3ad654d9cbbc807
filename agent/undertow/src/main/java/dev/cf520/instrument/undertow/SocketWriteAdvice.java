package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import java.io.IOException;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into XNIO's {@code NioSocketConduit.write(ByteBuffer)}: bytes handed to the socket, after
 * Undertow's header encoding and chunking. The write is non-blocking and may take only part of the
 * buffer: only the consumed range (start position to the position after the write) is fed. A write
 * that throws an IOException is the peer gone.
 */
public final class SocketWriteAdvice {
    private SocketWriteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter(@Advice.Argument(0) ByteBuffer src) {
        return src.position();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("connection") Object connection, @Advice.Argument(0) ByteBuffer src,
            @Advice.Enter int start, @Advice.Thrown Throwable thrown) {
        if (thrown instanceof IOException) {
            Exchanges.failedOnConnection(connection, false, thrown);
        } else if (thrown == null && src.position() > start) {
            ByteBuffer consumed = src.duplicate();
            consumed.limit(src.position());
            consumed.position(start);
            Exchanges.wire(connection, consumed);
        }
    }
}
