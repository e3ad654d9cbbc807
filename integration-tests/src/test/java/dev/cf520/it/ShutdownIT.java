package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM with an exchange in flight and idle keep-alive connections open: the container's own stop
 * (the demo stops Tomcat in a shutdown hook, as Spring Boot does) reports the exchange as
 * shutdown_inflight and counts the idle connections it closes, and the span and the metric are
 * exported before the JVM exits. (The WARN lines printed during the exit are seen when the origin's
 * stderr is read by another process, but not reliably through this test JVM's pipe: not asserted.)
 */
class ShutdownIT {
    private static final OriginProcess.Runtime TOMCAT = new OriginProcess.Runtime("tomcat-11/java-17/fat-jar",
            OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR);

    @Test
    void anExchangeInFlightAndIdleConnectionsAreReportedAtShutdown() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(OriginProcess.testSettings(receiver));
            settings.put("cf520.edge-read-timeout", "60s"); // the slow servlet is cut off, not late
            OriginProcess origin = OriginProcess.start(TOMCAT, true, settings);
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) { // served once, then left open: idle keep-alive connections
                    Socket s = new Socket("127.0.0.1", origin.port());
                    RawHttp.send(s.getOutputStream(), origin.port(), "GET", "/hello", java.util.Map.of());
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[4096];
                    assertTrue(in.read(buf) > 0);
                    idle.add(s);
                }
                String ray = CatalogContract.newRay();
                Socket inflight = new Socket("127.0.0.1", origin.port());
                idle.add(inflight);
                RawHttp.send(inflight.getOutputStream(), origin.port(), "GET", "/fault/slow?seconds=20",
                        CatalogContract.edgeHeaders(ray));
                Thread.sleep(1000); // the servlet is sleeping now

                origin.close(); // SIGTERM, then up to 10 s for the JVM to exit

                long deadline = System.nanoTime() + 5_000_000_000L; // the receiver may still be handling the last export
                while (receiver.spansWithRay(ray).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Optional<Span> span = receiver.spansWithRay(ray).stream().findFirst();
                assertTrue(span.isPresent(), "the span of the exchange cut off was exported before the exit:\n"
                        + String.join("\n", origin.stderr()));
                assertEquals("shutdown_inflight", string(span.get(), "cf520.reason"));
                String detail = span.get().getStatus().getMessage();
                assertTrue(detail.startsWith("the tomcat server shut down ") && detail.endsWith("before any response header"),
                        "flagged by Tomcat's own stop, not only at the JVM's exit: " + detail);
                Optional<Metric> closes = receiver.metrics().stream().filter(m -> m.getName().equals("cf520.shutdown.closes"))
                        .reduce((a, b) -> b);
                assertTrue(closes.isPresent(), "cf520.shutdown.closes was flushed at exit");
                assertEquals(2, closes.get().getSum().getDataPoints(0).getAsInt());
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
                origin.close();
            }
        }
    }
}
