package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchanges;
import dev.cf520.detect.IdleCloses;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Inlined into {@code ServerConnector.doStop()}: {@code Server.doStop} calls it for each connector after its
 * graceful phase, which runs only with {@code Server.setStopTimeout > 0} (Jetty 12's default is 0; Spring Boot's
 * {@code server.shutdown=graceful} sets it): then Jetty waited, up to that timeout, for the connectors to lose
 * every connection (their idle timeout cut to {@code getShutdownIdleTimeout()}, 1 s, and each response after the
 * shutdown sent with {@code Connection: close}) and for a GracefulHandler to see its requests end. Whatever is
 * still open here is closed outright by the connector's ManagedSelectors (CloseConnections): an exchange in
 * flight is cut off, and each connection without one is an idle keep-alive connection the edge may still send a
 * request on. Exchanges are bound to the EndPoint their HttpConnection writes to: over TLS, SslConnection's
 * decrypted end point, not the network one the connector lists.
 */
public final class ConnectorStopAdvice {
    private ConnectorStopAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This ServerConnector connector) {
        int idle = 0;
        int port = connector.getLocalPort(); // -2 once a graceful shutdown closed the accepting socket
        for (EndPoint ep : connector.getConnectedEndPoints()) {
            port = port > 0 ? port : ((java.net.InetSocketAddress) ep.getLocalSocketAddress()).getPort();
            Connection c = ep.getConnection();
            idle += Exchanges.inFlightOn(c instanceof SslConnection ? ((SslConnection) c).getSslEndPoint() : ep) ? 0 : 1;
        }
        IdleCloses.closedAtShutdown("jetty", port, idle);
        Exchanges.shutdown("jetty");
    }
}
