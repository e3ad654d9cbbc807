package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code SocketWrapperBase.write(boolean, byte[], int, int)}. */
public final class SocketArrayWriteAdvice {
    private SocketArrayWriteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object socket, @Advice.Argument(1) byte[] buf,
            @Advice.Argument(2) int off, @Advice.Argument(3) int len) {
        Exchanges.wire(socket, buf, off, len);
    }
}
