package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Idle keep-alive closes on Undertow: N connections, one request each, left idle past a short
 * NO_REQUEST_TIMEOUT, are each closed by Undertow's timer and counted once (cf520.idle.closes), with their
 * idle age (cf520.idle.close.age); connections the client closes itself before the timeout are not counted,
 * and no close raced a request (none was sent).
 */
class UndertowIdleClosesIT {
    private static final int IDLE_MILLIS = 1000;
    private static final int IDLED_OUT = 8;
    private static final int CLIENT_CLOSED = 4;

    @Test
    void everyIdleCloseIsCountedOnceWithItsAge() throws Exception {
        OriginProcess.Runtime rt = new OriginProcess.Runtime("undertow/java-17/fat-jar/idle-1s", OriginProcess.java17(),
                "11", OriginProcess.Layout.FAT_JAR).server("undertow").appArgs("--idle-timeout", Integer.toString(IDLE_MILLIS));
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(rt, true, OriginProcess.testSettings(receiver))) {
            int port = origin.port();
            List<Socket> idle = new ArrayList<>();
            List<Socket> closedByClient = new ArrayList<>();
            for (int i = 0; i < IDLED_OUT + CLIENT_CLOSED; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                RawHttp.send(s.getOutputStream(), port, "GET", "/hello", Map.of());
                RawHttp.Response r = RawHttp.read(s.getInputStream());
                assertEquals(200, r.status(), r.head());
                assertEquals("open", r.ending, "a keep-alive connection after its response");
                (i < IDLED_OUT ? idle : closedByClient).add(s);
            }
            for (Socket s : closedByClient) {
                s.close(); // well before NO_REQUEST_TIMEOUT: Undertow sees EOF and closes; not an idle close
            }
            long start = System.nanoTime();
            List<Long> eofMillis = new ArrayList<>();
            for (Socket s : idle) {
                try (InputStream in = s.getInputStream()) {
                    assertEquals(-1, in.read(), "Undertow closes the idle connection (FIN, nothing unread)");
                    eofMillis.add((System.nanoTime() - start) / 1_000_000);
                }
            }
            System.out.println("idle connections saw EOF after (ms since the last response): " + eofMillis);

            NumberDataPoint closes = sum(receiver, "cf520.idle.closes", port, IDLED_OUT);
            assertEquals(IDLED_OUT, closes.getAsInt(), "one count per idle close: " + closes);
            Thread.sleep(1500); // two more export intervals: the client-closed ones must not show up late
            assertEquals(IDLED_OUT, sum(receiver, "cf520.idle.closes", port, IDLED_OUT).getAsInt());

            HistogramDataPoint age = histogram(receiver, port);
            assertEquals(IDLED_OUT, age.getCount());
            double mean = age.getSum() / age.getCount();
            System.out.println("cf520.idle.close.age mean " + mean + " s, min " + age.getMin() + ", max " + age.getMax());
            assertTrue(age.getMin() >= IDLE_MILLIS / 1000.0 && age.getMax() < IDLE_MILLIS / 1000.0 + 2.0,
                    "idle for the timeout (Undertow's timer fires 50 ms late), not for the test's run time: " + age);
            assertTrue(receiver.spans().stream().noneMatch(s -> s.getName().equals("idle close")),
                    "no request was sent on a closing connection");
        }
    }

    private static NumberDataPoint sum(OtlpReceiver receiver, String name, int port, long atLeast)
            throws InterruptedException {
        Optional<Metric> m = receiver.awaitMetric(name, x -> x.getSum().getDataPointsList().stream()
                .anyMatch(d -> onPort(d.getAttributesList(), port) && d.getAsInt() >= atLeast), Duration.ofSeconds(20));
        assertTrue(m.isPresent(), name + " reaching " + atLeast + " on port " + port + ": " + receiver.metrics());
        return m.get().getSum().getDataPointsList().stream().filter(d -> onPort(d.getAttributesList(), port))
                .findFirst().get();
    }

    private static HistogramDataPoint histogram(OtlpReceiver receiver, int port) throws InterruptedException {
        Optional<Metric> m = receiver.awaitMetric("cf520.idle.close.age", x -> x.getHistogram().getDataPointsList()
                .stream().anyMatch(d -> onPort(d.getAttributesList(), port)), Duration.ofSeconds(10));
        assertTrue(m.isPresent(), "cf520.idle.close.age on port " + port);
        assertEquals("s", m.get().getUnit());
        return m.get().getHistogram().getDataPointsList().stream().filter(d -> onPort(d.getAttributesList(), port))
                .findFirst().get();
    }

    private static boolean onPort(List<KeyValue> attrs, int port) {
        return OtlpReceiver.attr(attrs, "server.port").map(v -> v.getIntValue()).orElse(-1L) == port
                && OtlpReceiver.attr(attrs, "cf520.container").map(v -> v.getStringValue()).orElse("").equals("undertow");
    }
}
