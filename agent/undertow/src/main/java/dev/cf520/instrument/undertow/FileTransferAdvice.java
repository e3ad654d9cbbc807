package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchanges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into XNIO's {@code NioSocketConduit.transferFrom(FileChannel, long, long)}: Undertow's static
 * file serving sends bodies with FileChannel.transferTo (sendfile), past the socket writes. The range
 * the kernel actually sent is read back from the file and fed, so partial transfers count exactly.
 */
public final class FileTransferAdvice {
    private FileTransferAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("connection") Object connection, @Advice.Argument(0) FileChannel src,
            @Advice.Argument(1) long position, @Advice.Return long sent, @Advice.Thrown Throwable thrown)
            throws IOException {
        if (thrown instanceof IOException) {
            Exchanges.failedOnConnection(connection, false, thrown);
            return;
        }
        long done = 0;
        while (thrown == null && done < sent) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(sent - done, 64 * 1024));
            int read = src.read(b, position + done);
            if (read <= 0) {
                break;
            }
            b.flip();
            Exchanges.wire(connection, b);
            done += read;
        }
    }
}
