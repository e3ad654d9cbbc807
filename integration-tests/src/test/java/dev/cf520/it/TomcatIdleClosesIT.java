package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Idle keep-alive closes counted at Tomcat 11 and 10.1 themselves, no proxy: N connections, one request each, left idle past a
 * short keepAliveTimeout, are N idle closes (cf520.idle.closes), each with an age near the timeout; connections the
 * client closes after their request are not idle closes and are not counted.
 */
class TomcatIdleClosesIT {
    private static final int IDLE = 5;
    private static final int CLIENT_CLOSED = 3;
    private static final long TIMEOUT_MILLIS = 1000;

    static List<OriginProcess.Runtime> runtimes() {
        return List.of(new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR),
                new OriginProcess.Runtime("tomcat-10.1/java-17/class-path", OriginProcess.java17(), "10.1",
                        OriginProcess.Layout.CLASS_PATH));
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void idleConnectionsAreCountedOnceAndClientClosesNot(OriginProcess.Runtime tomcat) throws Exception {
        OriginProcess.Runtime rt = tomcat.args("--idle-timeout", Long.toString(TIMEOUT_MILLIS));
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(rt, true, OriginProcess.testSettings(receiver))) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < IDLE; i++) {
                    idle.add(requestOn(new Socket("127.0.0.1", origin.port()), origin.port()));
                }
                for (int i = 0; i < CLIENT_CLOSED; i++) {
                    requestOn(new Socket("127.0.0.1", origin.port()), origin.port()).close();
                }
                for (Socket s : idle) {
                    s.setSoTimeout((int) TIMEOUT_MILLIS + 4000);
                    try {
                        assertEquals(-1, s.getInputStream().read(), "Tomcat closes the idle connection without a byte");
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("Tomcat kept an idle connection past keepAliveTimeout + 4 s", e);
                    }
                }
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
            long counted = IdleRaceSweep.awaitClosesCounted(receiver, origin.port(), IDLE);
            String ctx = String.join("\n", origin.agentLines());
            assertEquals(IDLE, counted, "one count per idle close, none for the " + CLIENT_CLOSED
                    + " connections the client closed\n" + ctx);
            Optional<HistogramDataPoint> age = IdleRaceSweep.age(receiver, origin.port());
            assertTrue(age.isPresent(), "cf520.idle.close.age exported");
            assertEquals(IDLE, age.get().getCount());
            // generous: the Poller scans timeouts about once a second
            assertTrue(age.get().getMin() >= TIMEOUT_MILLIS / 1000.0 - 0.05 && age.get().getMax() <= TIMEOUT_MILLIS / 1000.0 + 2.5,
                    "ages " + age.get().getMin() + " .. " + age.get().getMax() + " s");
            assertTrue(origin.agentLines().stream().noneMatch(l -> l.contains("idle_close_race")),
                    "no request was sent on a closing connection: no race\n" + ctx);
        }
    }

    private static Socket requestOn(Socket s, int port) throws IOException {
        s.setSoTimeout(5000);
        RawHttp.send(s.getOutputStream(), port, "GET", "/hello", Map.of());
        RawHttp.Response r = RawHttp.read(s.getInputStream());
        assertEquals(200, r.status(), r.head());
        assertEquals("open", r.ending, "a keep-alive response");
        return s;
    }
}
