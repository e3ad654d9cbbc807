package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGTERM with an exchange in flight and idle keep-alive connections open, on each container: the container's own
 * stop (the demo and the javax origin stop it in a shutdown hook, as Spring Boot does) reports the exchange as
 * shutdown_inflight and counts the idle connections it closes, and the span and the metric are exported before the
 * JVM exits. No graceful drain is configured, so the slow exchange is still running when the stop closes the
 * connections; what each container's stop does, from its source:
 * <ul>
 * <li>Tomcat 11: {@code AbstractProtocol.pause()} closes the idle keep-alive connections, {@code stop()} the rest;
 *     the context waits up to 2 s (unloadDelay) for the running servlet first (the JVM exits after ~2.6 s);</li>
 * <li>Jetty 12 (stopTimeout 0, no graceful phase) and Jetty 9.4 (no Graceful handler, so nothing to wait for):
 *     {@code Server.doStop} stops each ServerConnector, whose selectors close every connection outright. Then the
 *     thread pool stops: Jetty 12's joins for half its 5 s stop timeout and interrupts the sleeping servlet (the JVM
 *     exits after ~3 s, the exchange ending on Jetty's thread as the agent's exit hook waits); Jetty 9.4's joins for
 *     half of 30 s, so the agent's hook ends the exchange at 5 s and flushes, and the JVM is killed at 10 s;</li>
 * <li>Undertow: {@code Undertow.stop()} closes the listener, then the XNIO worker's shutdown closes every channel,
 *     and waits for the worker's tasks, here the servlet still sleeping: the agent's hook ends the exchange at
 *     5 s and flushes, and the JVM is killed at 10 s.</li>
 * </ul>
 * On the wire, each container sends the in-flight request's client nothing: no status line, the 520 the edge
 * would show. (The WARN lines printed during the exit are seen when the origin's stderr is read by another process,
 * but not reliably through this test JVM's pipe: not asserted.)
 */
class ShutdownIT {
    private static final int IDLE = 2;

    static Stream<Object[]> containers() {
        return Stream.of(
                new Object[] {new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR), "tomcat"},
                new Object[] {new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR).server("jetty"), "jetty"},
                new Object[] {JavaxContract.javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(), "jetty-9.4",
                        "jetty"), "jetty"},
                new Object[] {UndertowIdleClosesIT.demo(), "undertow"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containers")
    void anExchangeInFlightAndIdleConnectionsAreReportedAtShutdown(OriginProcess.Runtime rt, String container)
            throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, String> settings = new LinkedHashMap<>(OriginProcess.testSettings(receiver));
            settings.put("cf520.edge-read-timeout", "60s"); // the slow servlet is cut off, not late
            OriginProcess origin = OriginProcess.start(rt, true, settings);
            int port = origin.port();
            List<Socket> idle = new ArrayList<>();
            Socket inflight = null;
            try {
                for (int i = 0; i < IDLE; i++) { // served once, then left open: idle keep-alive connections
                    Socket s = new Socket("127.0.0.1", port);
                    idle.add(s);
                    s.setSoTimeout(10_000);
                    RawHttp.send(s.getOutputStream(), port, "GET", "/hello", Map.of());
                    RawHttp.Response r = RawHttp.read(s.getInputStream());
                    assertEquals(200, r.status(), r.head());
                    assertEquals("open", r.ending, "a keep-alive response: " + r.head());
                }
                String ray = CatalogContract.newRay();
                inflight = new Socket("127.0.0.1", port);
                inflight.setSoTimeout(15_000);
                RawHttp.send(inflight.getOutputStream(), port, "GET", "/fault/slow?seconds=20",
                        CatalogContract.edgeHeaders(ray));
                Thread.sleep(1000); // the servlet is sleeping now

                long t0 = System.nanoTime();
                origin.close(); // SIGTERM, then up to 10 s for the JVM to exit
                System.out.println(rt + ": JVM gone " + (System.nanoTime() - t0) / 1_000_000 + " ms after SIGTERM");
                assertEquals(0, bytesUntilClosed(inflight.getInputStream()),
                        "the client of the exchange cut off got no response byte, not even a status line");

                long deadline = System.nanoTime() + 5_000_000_000L; // the receiver may still be handling the last export
                while (receiver.spansWithRay(ray).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Optional<Span> span = receiver.spansWithRay(ray).stream().findFirst();
                assertTrue(span.isPresent(), "the span of the exchange cut off was exported before the exit:\n"
                        + String.join("\n", origin.stderr()));
                assertEquals("shutdown_inflight", string(span.get(), "cf520.reason"));
                String detail = span.get().getStatus().getMessage();
                assertTrue(detail.startsWith("the " + container + " server shut down ")
                        && detail.endsWith("before any response header"),
                        "flagged by the container's own stop, not only at the JVM's exit: " + detail);
                Optional<Metric> closes = receiver.awaitMetric("cf520.shutdown.closes", m -> closes(m, container, port) > 0,
                        Duration.ofSeconds(2));
                assertTrue(closes.isPresent(), "cf520.shutdown.closes was flushed at exit: " + receiver.metrics().stream()
                        .filter(m -> m.getName().equals("cf520.shutdown.closes")).map(Metric::toString).findFirst()
                        .orElse("none"));
                assertEquals(IDLE, closes(closes.get(), container, port),
                        "the idle keep-alive connections, not the one in flight");
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
                if (inflight != null) {
                    inflight.close();
                }
                origin.close();
            }
        }
    }

    /** Reads until the peer closed (FIN or reset): how many bytes came first. */
    private static int bytesUntilClosed(InputStream in) throws IOException {
        int n = 0;
        try {
            while (in.read() >= 0) {
                n++;
            }
        } catch (java.net.SocketException reset) {
            // the origin's close with the request unread, or the JVM's exit: a reset
        }
        return n;
    }

    private static long closes(Metric m, String container, int port) {
        long n = 0;
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
            if (KeepAliveSettingsIT.port(p) == port && OtlpReceiver.attr(p.getAttributesList(), "cf520.container")
                    .map(v -> v.getStringValue()).orElse("").equals(container)) {
                n += p.getAsInt();
            }
        }
        return n;
    }
}
