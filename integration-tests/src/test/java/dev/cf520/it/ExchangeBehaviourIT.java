package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.bool;
import static dev.cf520.it.OtlpReceiver.has;
import static dev.cf520.it.OtlpReceiver.integer;
import static dev.cf520.it.OtlpReceiver.string;
import static dev.cf520.it.OtlpReceiver.stringArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** How exchanges end and what they carry beyond the catalogue: aborts, keep-alive, async, time, metrics, context. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeBehaviourIT {
    protected OtlpReceiver receiver;
    protected OriginProcess origin;

    @BeforeAll
    void start() throws Exception {
        receiver = new OtlpReceiver();
        origin = OriginProcess.start(runtime(), true, OriginProcess.testSettings(receiver));
    }

    /** Tomcat 11 on Java 17; a container's subclass runs the same behaviours on its own origin. */
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR);
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
        receiver.close();
    }

    @Test
    void aClientThatHangsUpMidDownloadIsAClientAbortNotARisk() throws Exception {
        String ray = CatalogContract.newRay();
        try (Socket s = new Socket("127.0.0.1", origin.port())) {
            s.setSoLinger(true, 0); // hang up hard, as a visitor closing the tab behind a proxy
            RawHttp.send(s.getOutputStream(), origin.port(), "GET", "/download", CatalogContract.edgeHeaders(ray));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            int got = 0;
            while (got < 100_000) {
                int n = in.read(buf);
                assertTrue(n > 0, "the download started");
                got += n;
            }
        }
        Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
        assertEquals(Boolean.TRUE, bool(span, "cf520.client_abort"));
        assertNull(bool(span, "cf520.risk"), "a client abort is never a risk");
        assertFalse(has(span, "cf520.reason"));
        assertEquals(200L, integer(span, "http.response.status_code"));
        assertTrue(integer(span, "http.response.body.size") < 5L * 1024 * 1024, "the body was cut by the client");
        Thread.sleep(100);
        assertTrue(origin.stderr().stream().noneMatch(l -> l.contains(ray)), "no 520-risk line for a client abort");
    }

    @Test
    void keepAliveAndAsyncExchangesEndExactlyOnceEach() throws Exception {
        // Tomcat closes the connection after a 500 (statusDropsConnection), so the async timeout goes last
        List<String> paths = List.of("/hello", "/async", "/stream", "/json", "/async", "/async-timeout");
        // (/async-error, the third way an async exchange ends, is in the catalogue)
        List<String> rays = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", origin.port())) {
            s.setSoTimeout(5000);
            for (String path : paths) {
                String ray = CatalogContract.newRay();
                rays.add(ray);
                RawHttp.send(s.getOutputStream(), origin.port(), "GET", path, CatalogContract.edgeHeaders(ray));
                RawHttp.Response r = RawHttp.read(s.getInputStream());
                assertEquals("open", r.ending, path + " left the keep-alive connection open");
            }
        }
        for (int i = 0; i < paths.size(); i++) {
            Span span = receiver.awaitOneSpan(rays.get(i), Duration.ofSeconds(15));
            assertEquals(paths.get(i), string(span, "url.path"));
            assertNull(bool(span, "cf520.risk"), paths.get(i));
        }
    }

    @Test
    void slowResponseIsFlaggedWhenTheEdgeTimeoutPassesNotWhenTheExchangeEnds() throws Exception {
        String ray = CatalogContract.newRay();
        long t0 = System.nanoTime();
        Thread client = new Thread(() -> {
            try {
                RawHttp.get(origin.port(), "/fault/slow?seconds=4", CatalogContract.edgeHeaders(ray), 8000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        client.start();
        String line = origin.awaitStderr(l -> l.contains("520-risk ray=" + ray + " reason=slow_response"),
                Duration.ofSeconds(10));
        double flaggedAfter = (System.nanoTime() - t0) / 1e9;
        assertNotNull(line, "watchdog line");
        assertTrue(flaggedAfter < 3.8, "flagged after " + flaggedAfter + " s, while the servlet still sleeps (4 s)");
        assertTrue(receiver.spansWithRay(ray).isEmpty(), "the span is written when the exchange ends");
        client.join();
        Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
        assertEquals("slow_response", string(span, "cf520.reason"));
        assertEquals(List.of("slow_response"), stringArray(span, "cf520.reasons"));
        assertEquals(524L, integer(span, "cf520.predicted_status"));
        assertEquals(200L, integer(span, "http.response.status_code"));
        Span.Event e = span.getEvents(0);
        double eventAfterStart = (e.getTimeUnixNano() - span.getStartTimeUnixNano()) / 1e9;
        assertTrue(eventAfterStart >= 2.0 && eventAfterStart < 3.5, "risk event at " + eventAfterStart + " s");
        assertEquals(1, origin.stderr().stream().filter(l -> l.contains(ray)).count(), "one line, not two");
    }

    @Test
    void riskCounterAndDurationHistogramArriveOverOtlp() throws Exception {
        for (int i = 0; i < 3; i++) {
            RawHttp.get(origin.port(), "/fault/invalid-status", CatalogContract.edgeHeaders(CatalogContract.newRay()), 1500);
        }
        Optional<Metric> risks = receiver.awaitMetric("cf520.risk.events",
                m -> count(m, "invalid_status") >= 3, Duration.ofSeconds(10));
        assertTrue(risks.isPresent(), "cf520.risk.events{cf520.reason=invalid_status} >= 3");
        assertEquals("{event}", risks.get().getUnit());
        assertTrue(risks.get().getSum().getIsMonotonic());
        Optional<Metric> duration = receiver.awaitMetric("http.server.request.duration",
                m -> m.getHistogram().getDataPointsCount() > 0, Duration.ofSeconds(10));
        assertTrue(duration.isPresent());
        assertEquals("s", duration.get().getUnit());
    }

    private static long count(Metric m, String reason) {
        long n = 0;
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
            for (KeyValue kv : p.getAttributesList()) {
                if (kv.getKey().equals("cf520.reason") && kv.getValue().getStringValue().equals(reason)) {
                    n += p.getAsInt();
                }
            }
        }
        return n;
    }

    @Test
    void aVisitorsUnsampledTraceparentIsALinkAndDoesNotHideARisk() throws Exception {
        String ray = CatalogContract.newRay();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Map<String, String> h = new java.util.LinkedHashMap<>(CatalogContract.edgeHeaders(ray));
        h.put("traceparent", "00-" + traceId + "-00f067aa0ba902b7-00");
        RawHttp.get(origin.port(), "/fault/truncated-body", h, 1500);
        Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
        assertEquals("truncated_body", string(span, "cf520.reason"));
        assertEquals(ByteString.EMPTY, span.getParentSpanId(), "a public traceparent is not the parent by default");
        assertNotEquals(traceId, HexFormat.of().formatHex(span.getTraceId().toByteArray()));
        assertEquals(1, span.getLinksCount());
        assertEquals(traceId, HexFormat.of().formatHex(span.getLinks(0).getTraceId().toByteArray()));
    }

    @Test
    void malformedRayIsRecordedAsSuchNeverTrusted() throws Exception {
        String bad = "not-a-ray\r\nX-Forged: 1";
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("CF-Ray", "zz" + CatalogContract.newRay().substring(2));
        RawHttp.get(origin.port(), "/hello", h, 1500);
        Span span = receiver.awaitOneSpan(h.get("CF-Ray"), Duration.ofSeconds(15));
        assertEquals(Boolean.TRUE, bool(span, "cloudflare.ray_id_invalid"));
        assertFalse(has(span, "cloudflare.ray_id"));
        assertFalse(has(span, "cloudflare.colo"));
        assertFalse(bad.isEmpty());
    }
}
