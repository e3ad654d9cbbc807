package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code SocketWrapperBase.write(boolean, ByteBuffer)}: response bytes as they go to the socket. */
public final class SocketBufferWriteAdvice {
    private SocketBufferWriteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object socket, @Advice.Argument(1) ByteBuffer from) {
        Exchanges.wire(socket, from);
    }
}
