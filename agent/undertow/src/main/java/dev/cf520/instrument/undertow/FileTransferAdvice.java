package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import java.io.IOException;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into XNIO's {@code NioSocketConduit.transferFrom(FileChannel, long, long)}: Undertow's static
 * file serving sends bodies with FileChannel.transferTo (sendfile), past the socket writes. The bytes
 * the kernel actually sent are counted as body (the chunk or length framing around them goes out by
 * ordinary writes); their content is never read.
 */
public final class FileTransferAdvice {
    private FileTransferAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("connection") Object connection, @Advice.Return long sent,
            @Advice.Thrown Throwable thrown) {
        if (thrown instanceof IOException) {
            Exchanges.failedOnConnection(connection, false, thrown);
        } else if (thrown == null) {
            Exchanges.wireUnseen(connection, sent);
        }
    }
}
