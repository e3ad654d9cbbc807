package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdleClosesTest {
    private final List<String> closes = new ArrayList<>();
    private final Object connection = new Object();
    private final Object request = new Object();

    @BeforeEach
    void listen() {
        IdleCloses.listen(new IdleCloses.Listener() {
            @Override
            public void closed(String container, int port, long idleMillis) {
                closes.add(container + " " + port + " " + idleMillis);
            }

            @Override
            public void raced(String container, int port, String peer, Risk risk) {
            }

            @Override
            public void closedAtShutdown(String container, int port, long count) {
            }
        });
    }

    @AfterEach
    void clear() {
        IdleCloses.connectionClosed(connection);
        IdleCloses.listen(null);
    }

    @Test
    void anExpiryAsARequestArrivedCountsWhenTheConnectionCloses() {
        IdleCloses.expiredWithRequest(connection, request, "jetty", 8080, 1000);
        assertEquals(List.of(), closes, "nothing counted while the container may still answer and keep the connection");
        IdleCloses.requestStarted(connection, request); // the same request's start, seen after the expiry
        IdleCloses.connectionClosed(connection);
        assertEquals(List.of("jetty 8080 1000"), closes);
        IdleCloses.connectionClosed(connection);
        assertEquals(1, closes.size(), "counted once");
    }

    @Test
    void aCloseThatCameBeforeItsMarkCountsWhenTheMarkerSeesTheConnectionClosed() {
        // Jetty 12 fails the timed-out exchange on another thread, which may close the connection before the mark is set
        IdleCloses.connectionClosed(connection);
        IdleCloses.expiredWithRequest(connection, request, "jetty", 8080, 1000);
        IdleCloses.connectionClosed(connection);
        assertEquals(List.of("jetty 8080 1000"), closes);
        assertEquals(0, IdleCloses.marks());
    }

    @Test
    void aConnectionThatServesItsNextRequestWasNotClosed() {
        IdleCloses.expiredWithRequest(connection, request, "jetty", 8080, 1000);
        IdleCloses.requestStarted(connection, new Object());
        IdleCloses.connectionClosed(connection);
        assertEquals(List.of(), closes);
        assertEquals(0, IdleCloses.marks());
    }

    @Test
    void aLaterIdleCloseOfTheSameConnectionCountsOnce() {
        IdleCloses.expiredWithRequest(connection, request, "jetty", 8080, 1000);
        IdleCloses.closed(connection, "jetty", 8080, 1001);
        IdleCloses.connectionClosed(connection);
        assertEquals(List.of("jetty 8080 1001"), closes);
    }

    @Test
    void otherConnectionsClosingCountNothing() {
        IdleCloses.expiredWithRequest(connection, request, "jetty", 8080, 1000);
        IdleCloses.connectionClosed(new Object());
        IdleCloses.requestStarted(new Object(), new Object());
        assertEquals(List.of(), closes);
        assertEquals(1, IdleCloses.marks());
    }

    @Test
    void marksAreBounded() {
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < IdleCloses.MAX_MARKS + 10; i++) {
            Object c = new Object();
            many.add(c);
            IdleCloses.expiredWithRequest(c, request, "jetty", 8080, 1000);
        }
        assertEquals(IdleCloses.MAX_MARKS, IdleCloses.marks());
        many.forEach(IdleCloses::connectionClosed);
        assertEquals(IdleCloses.MAX_MARKS, closes.size());
        assertEquals(0, IdleCloses.marks());
    }

    @Test
    void nothingIsMarkedUntilTelemetryListens() {
        IdleCloses.listen(null);
        IdleCloses.expiredWithRequest(connection, request, "jetty", 8080, 1000);
        assertEquals(0, IdleCloses.marks());
    }
}
