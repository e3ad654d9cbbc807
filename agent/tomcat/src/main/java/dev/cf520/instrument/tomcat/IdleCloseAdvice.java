package dev.cf520.instrument.tomcat;

import dev.cf520.detect.IdleCloses;
import dev.cf520.detect.SocketPeek;
import java.net.SocketTimeoutException;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Inlined into {@code AbstractProtocol.ConnectionHandler.process(SocketWrapperBase, SocketEvent)}: an idle keep-alive
 * close. When a NIO connection waits for its next request, {@code Http11Processor.dispatchEndRequest} (and
 * {@code Http11InputBuffer.parseRequestLine} when nothing arrived) set its read timeout to keepAliveTimeout and the
 * processor is released. {@code NioEndpoint.Poller.timeout} finds {@code now - lastRead > readTimeout}, sets a
 * {@code SocketTimeoutException} as the wrapper's error and dispatches {@code ERROR}; with no processor the handler
 * answers {@code CLOSED} and {@code SocketProcessor.doRun} closes the socket. Only that combination is counted: a
 * client close arrives as OPEN_READ/EOF, maxKeepAliveRequests closes from the processor with Connection: close, a
 * stopping Poller closes sockets directly, and a mid-request timeout has a processor (or connectionTimeout as read
 * timeout). Limit: when keepAliveTimeout equals connectionTimeout, a fresh connection that never sent a byte is
 * counted too (Tomcat keeps no other trace of it; an edge never leaves a new connection unused).
 * <p>
 * A race Tomcat can see: request bytes already in the kernel's receive queue when it closes (they arrived after
 * the Poller's select, so no read event preceded the timeout). FIONREAD on the channel, a peek that consumes
 * nothing, reads them just before the close. Bytes that arrive after the FIN (the common case on loopback, where
 * the edge's request crosses the FIN) reach a closed socket: the kernel answers RST and Tomcat never sees them.
 */
public final class IdleCloseAdvice {
    private IdleCloseAdvice() {
    }

    /** @return how long the connection was idle (ms, since its last read or write), or MIN_VALUE: no idle close */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Argument(0) SocketWrapperBase<?> wrapper, @Advice.Argument(1) SocketEvent event,
            @Advice.FieldValue("proto") AbstractProtocol<?> proto) {
        if (event == SocketEvent.ERROR && wrapper instanceof NioEndpoint.NioSocketWrapper
                && wrapper.getCurrentProcessor() == null && wrapper.getError() instanceof SocketTimeoutException
                && wrapper.getReadTimeout() == proto.getKeepAliveTimeout()) {
            NioEndpoint.NioSocketWrapper w = (NioEndpoint.NioSocketWrapper) wrapper;
            return Math.max(0, System.currentTimeMillis() - Math.max(w.getLastRead(), w.getLastWrite()));
        }
        return Long.MIN_VALUE;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) SocketWrapperBase<?> wrapper, @Advice.Enter long idleMillis,
            @Advice.Return AbstractEndpoint.Handler.SocketState state) {
        if (idleMillis == Long.MIN_VALUE || state != AbstractEndpoint.Handler.SocketState.CLOSED) {
            return;
        }
        int unread = SocketPeek.unreadBytes(((NioChannel) wrapper.getSocket()).getIOChannel());
        if (unread > 0) {
            IdleCloses.raced("tomcat", wrapper.getLocalPort(), wrapper.getRemoteAddr() + ":" + wrapper.getRemotePort(),
                    idleMillis, unread);
        } else {
            IdleCloses.closed("tomcat", wrapper.getLocalPort(), idleMillis);
        }
    }
}
