package dev.cf520.instrument.jetty9;

import dev.cf520.detect.Exchanges;
import dev.cf520.detect.IdleCloses;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Inlined into {@code ServerConnector.doStop()}: {@code Server.doStop} calls it for each connector after its
 * graceful phase. Jetty 9.4 first shuts each connector (closes the accepting socket; responses from then on go
 * out with {@code Connection: close}), then waits, up to {@code Server.setStopTimeout} (30 s by default), only for
 * Graceful handlers such as a StatisticsHandler to see their requests end; without one it does not wait at all,
 * and it never closes an idle connection before this point. Here the connector's ManagedSelectors close every
 * connection outright (CloseConnections): an exchange in flight is cut off, and each connection without one is
 * an idle keep-alive connection the edge may still send a request on. Exchanges are bound to the EndPoint their
 * HttpChannel writes to: over TLS, SslConnection's decrypted end point, not the network one the connector lists.
 */
public final class ConnectorStopAdvice {
    private ConnectorStopAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This ServerConnector connector) {
        int idle = 0;
        int port = connector.getLocalPort(); // -2: Server.doStop shut the connector first, closing its accepting socket
        for (EndPoint ep : connector.getConnectedEndPoints()) {
            port = port > 0 ? port : ep.getLocalAddress().getPort();
            Connection c = ep.getConnection();
            idle += Exchanges.inFlightOn(c instanceof SslConnection ? ((SslConnection) c).getDecryptedEndPoint() : ep) ? 0 : 1;
        }
        IdleCloses.closedAtShutdown("jetty", port, idle);
        Exchanges.shutdown("jetty");
    }
}
