package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Idle keep-alive closes counted on Jetty 12.1 and 9.4 with a short {@code --idle-timeout}: N connections,
 * one request each, left idle until Jetty closes them (its FIN reaches the client), and C more the client
 * closes itself before that. Exactly N closes are counted (cf520.idle.closes over OTLP), each with its age
 * (cf520.idle.close.age) near the idle timeout; none is an idle_close_race (no request was sent after the
 * first response).
 */
class JettyIdleClosesIT {
    private static final int IDLE_MILLIS = 1000;
    private static final int IDLE = 5;
    private static final int CLIENT_CLOSED = 2;

    static Stream<OriginProcess.Runtime> jettys() {
        return Stream.of(
                new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR).server("jetty").appArgs("--idle-timeout", "" + IDLE_MILLIS),
                JavaxContract.javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(), "jetty-9.4", "jetty")
                        .appArgs("--idle-timeout", "" + IDLE_MILLIS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jettys")
    void idleKeepAliveClosesAreCountedOnceEach(OriginProcess.Runtime jetty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(jetty, true, OriginProcess.testSettings(receiver))) {
            int port = origin.port();
            List<Socket> idle = new ArrayList<>();
            List<Long> answered = new ArrayList<>();
            try {
                for (int i = 0; i < IDLE + CLIENT_CLOSED; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(10_000);
                    RawHttp.send(s.getOutputStream(), port, "GET", "/hello", CatalogContract.edgeHeaders(CatalogContract.newRay()));
                    RawHttp.Response r = RawHttp.read(s.getInputStream());
                    assertEquals(200, r.status(), r.head());
                    assertEquals("open", r.ending, "a keep-alive response: " + r.head());
                    if (i < IDLE) {
                        idle.add(s);
                        answered.add(System.nanoTime());
                    } else {
                        s.close(); // the client closes first: not an idle close of the origin's
                    }
                }
                // Jetty's idle timeout shuts its output: the client reads the FIN
                List<Long> finMillis = new ArrayList<>();
                for (int i = 0; i < idle.size(); i++) {
                    InputStream in = idle.get(i).getInputStream();
                    int b;
                    try {
                        b = in.read();
                    } catch (SocketTimeoutException e) {
                        b = -2;
                    }
                    assertEquals(-1, b, "connection " + i + ": the origin closed it (FIN), nothing else");
                    finMillis.add((System.nanoTime() - answered.get(i)) / 1_000_000);
                }
                System.out.println(jetty + ": FIN after response, ms: " + finMillis);
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }

            Optional<Metric> closes = receiver.awaitMetric("cf520.idle.closes", m -> closes(m, port) >= IDLE,
                    Duration.ofSeconds(15));
            assertTrue(closes.isPresent(), "cf520.idle.closes for port " + port + ": " + origin.agentLines());
            Thread.sleep(1500); // three more exports: a late or second count of the same connections would show
            long counted = closes(receiver.awaitMetric("cf520.idle.closes", m -> true, Duration.ofSeconds(1)).get(), port);
            assertEquals(IDLE, counted, "one close per idle connection, none for the client's closes");

            HistogramDataPoint age = receiver.awaitMetric("cf520.idle.close.age", m -> ages(m, port) != null,
                    Duration.ofSeconds(5)).map(m -> ages(m, port)).orElseThrow();
            assertEquals(IDLE, age.getCount());
            double mean = age.getSum() / age.getCount();
            System.out.println(jetty + ": idle close age mean " + mean + " s, min " + age.getMin() + ", max " + age.getMax());
            assertTrue(mean >= IDLE_MILLIS / 1000.0 * 0.9 && mean < IDLE_MILLIS / 1000.0 * 5, "age near the timeout: " + mean);
            assertEquals(0, origin.stderr().stream().filter(l -> l.contains("reason=idle_close_race")).count(),
                    "no request was sent on an idle connection");
        }
    }

    private static long closes(Metric m, int port) {
        long n = 0;
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
            if (KeepAliveSettingsIT.port(p) == port && jetty(p.getAttributesList())) {
                n += p.getAsInt();
            }
        }
        return n;
    }

    private static HistogramDataPoint ages(Metric m, int port) {
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
            if (OtlpReceiver.attr(p.getAttributesList(), "server.port").map(v -> v.getIntValue()).orElse(-1L) == port
                    && jetty(p.getAttributesList()) && p.getCount() > 0) {
                return p;
            }
        }
        return null;
    }

    private static boolean jetty(List<io.opentelemetry.proto.common.v1.KeyValue> attrs) {
        return OtlpReceiver.attr(attrs, "cf520.container").map(v -> v.getStringValue()).orElse("").equals("jetty");
    }
}
