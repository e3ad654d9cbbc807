package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.http11.AbstractHttp11Protocol;

/**
 * Inlined into {@code AbstractProtocol.stop()}: the connector is stopping. Tomcat has paused it and
 * waited for running servlets (up to the context's unloadDelay, 2 s), and a framework's graceful
 * shutdown (Spring Boot's server.shutdown=graceful) drained it before this: what is still in flight
 * here is cut off.
 */
public final class ConnectorStopAdvice {
    private ConnectorStopAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This AbstractProtocol<?> protocol) {
        if (protocol instanceof AbstractHttp11Protocol) {
            Exchanges.shutdown("tomcat");
        }
    }
}
