package dev.cf520.detect;

import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * How many bytes wait unread in the kernel's receive queue of a socket: FIONREAD, through the JDK's
 * socket adaptor (its {@code available()} asks the kernel and consumes nothing, even on a
 * non-blocking channel). A socket closed with bytes still queued is reset (RST), not closed with FIN.
 */
public final class SocketPeek {
    private SocketPeek() {
    }

    /** Unread bytes, or 0 when unknown (not a connected socket channel, or no FIONREAD here). */
    public static int unreadBytes(Object channel) {
        if (!(channel instanceof SocketChannel)) {
            return 0;
        }
        try {
            return ((SocketChannel) channel).socket().getInputStream().available();
        } catch (Throwable t) {
            return 0;
        }
    }

    /**
     * {@link #unreadBytes} of the channel a container keeps behind a non-public accessor (XNIO's
     * {@code NioSocketStreamConnection.getChannel()} is package-private); 0 when it has none.
     */
    public static int unreadBytesVia(Object owner, String accessor) {
        try {
            Method m = owner.getClass().getDeclaredMethod(accessor);
            m.setAccessible(true);
            return unreadBytes(m.invoke(owner));
        } catch (Exception | LinkageError e) {
            return 0;
        }
    }
}
