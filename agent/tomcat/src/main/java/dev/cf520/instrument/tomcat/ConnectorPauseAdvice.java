package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import dev.cf520.detect.IdleCloses;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.http11.AbstractHttp11Protocol;

/**
 * Inlined into {@code AbstractProtocol.pause()}, the first step of Tomcat's shutdown (and of Spring
 * Boot's graceful one): from here Tomcat closes every keep-alive connection that is not serving a
 * request, so each open connection beyond the exchanges in flight is an idle one the edge may still
 * send a request on. Tomcat's connection count includes the slot its acceptor thread takes before
 * it blocks in accept() (the limit latch is counted up first), hence the one less.
 */
public final class ConnectorPauseAdvice {
    private ConnectorPauseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This AbstractProtocol<?> protocol) {
        if (protocol instanceof AbstractHttp11Protocol) {
            IdleCloses.closedAtShutdown("tomcat", protocol.getLocalPort() > 0 ? protocol.getLocalPort()
                    : protocol.getPort(), Math.max(0, protocol.getConnectionCount() - 1 - Exchanges.runningCount()));
        }
    }
}
