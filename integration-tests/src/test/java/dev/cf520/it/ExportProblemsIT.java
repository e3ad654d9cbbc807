package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the agent does when export goes wrong: a receiver that is down gives one warning per signal
 * (not a stack trace per batch) and the origin keeps serving; a traces-only receiver that refuses
 * metrics (Jaeger answers 404 on /v1/metrics) gives one warning and metric export stops for good.
 */
class ExportProblemsIT {
    private static final OriginProcess.Runtime RUNTIME = new OriginProcess.Runtime("tomcat-11/java-17/fat-jar",
            OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR);

    @Test
    void receiverDown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;
        Map<String, String> props = Map.of(
                "otel.exporter.otlp.endpoint", endpoint,
                "otel.bsp.schedule.delay", "100",
                "otel.metric.export.interval", "500",
                "otel.service.name", "cf520-it");
        try (OriginProcess origin = OriginProcess.start(RUNTIME, true, props)) {
            List<String> problems = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                boolean healthy = i % 2 == 0;
                String path = healthy ? "/hello" : "/fault/truncated-body";
                RawHttp.Response r = RawHttp.get(origin.port(), path,
                        CatalogContract.edgeHeaders(CatalogContract.newRay()), healthy ? 2000 : 300);
                if (r.status() != 200) {
                    problems.add("request " + i + " " + path + ": status line " + r.statusLine + ", ended " + r.ending);
                } else if (healthy && !new String(r.bytes, StandardCharsets.UTF_8)
                        .contains("hello from the cf520 demo origin")) {
                    problems.add("request " + i + " " + path + ": body missing, got " + r.bodyBytes() + " bytes");
                } else if (!healthy && r.bodyBytes() != 412) {
                    problems.add("request " + i + " " + path + ": expected the demo's 412 body bytes, got "
                            + r.bodyBytes());
                }
                long due = t0 + Duration.ofMillis(250L * (i + 1)).toNanos();
                long wait = (due - System.nanoTime()) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            assertTrue(problems.isEmpty(), "the origin served every request while the receiver was down: " + problems);

            // The exporter retries a refused connection for several seconds before it reports a failure.
            String traces = origin.awaitStderr(l -> l.contains("cannot export traces"), Duration.ofSeconds(20));
            String metrics = origin.awaitStderr(l -> l.contains("cannot export metrics"), Duration.ofSeconds(10));
            Thread.sleep(3000); // long enough for more failed batches (bsp 100 ms, metrics 500 ms) to have come in
            List<String> err = origin.stderr();
            String all = String.join("\n", err);
            System.out.println("receiver down, agent lines:\n" + String.join("\n", origin.agentLines()));
            assertNotNull(traces, "a warning about the trace receiver; stderr:\n" + all);
            assertNotNull(metrics, "a warning about the metrics receiver; stderr:\n" + all);
            assertEquals(1, count(err, "cannot export traces"), "one trace export warning, not one per batch:\n" + all);
            assertEquals(1, count(err, "cannot export metrics"), "one metric export warning, not one per batch:\n" + all);
            for (String w : List.of(traces, metrics)) {
                assertTrue(w.contains(" WARN "), w);
                assertTrue(w.contains("127.0.0.1:" + closedPort), "the warning names the receiver: " + w);
                assertTrue(origin.agentLines().contains(w), "the warning is an agent line: " + w);
            }
            // Only the trace warning's reason is checked: with a 500 ms metric interval, metric exports still
            // retrying pile up and the first one to fail may be refused by the exporter's own thread pool.
            assertTrue(traces.contains("connection refused"), "the warning says what is wrong: " + traces);
            List<String> traceLike = err.stream()
                    .filter(l -> l.matches("^\\s+at .*") || l.contains("Exception in thread")
                            || l.startsWith("Caused by:") || l.matches("^\\s+\\.\\.\\. \\d+ more$"))
                    .collect(Collectors.toList());
            assertTrue(traceLike.isEmpty(), "no stack trace on stderr, found " + traceLike + " in:\n" + all);

            // and it is still serving, after the failed exports
            assertEquals(200, RawHttp.get(origin.port(), "/hello", Map.of(), 2000).status());
        }
    }

    @Test
    void metricsRefusedByTracesOnlyReceiver() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver().refuseMetrics(404);
                OriginProcess origin = OriginProcess.start(RUNTIME, true, OriginProcess.testSettings(receiver))) {
            // metrics are only exported once there is something to export
            assertEquals(200, RawHttp.get(origin.port(), "/hello",
                    CatalogContract.edgeHeaders(CatalogContract.newRay()), 2000).status());
            String refused = origin.awaitStderr(l -> l.contains("does not take metrics"), Duration.ofSeconds(15));
            assertNotNull(refused, "a warning that the receiver refuses metrics; stderr:\n"
                    + String.join("\n", origin.stderr()));
            int atWarning = receiver.metricRequests();
            assertTrue(atWarning >= 1, "the receiver saw the refused metric export");
            assertTrue(refused.contains(" WARN ") && refused.contains("404"), refused);

            // more data to export, over 6 export intervals: nothing may reach /v1/metrics any more
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            int requests = 0;
            while (System.nanoTime() < until) {
                assertEquals(200, RawHttp.get(origin.port(), "/hello", Map.of(), 2000).status());
                requests++;
                Thread.sleep(200);
            }
            assertTrue(requests >= 5);
            assertEquals(atWarning, receiver.metricRequests(),
                    "metric export stopped after the receiver refused it (requests when the warning was printed vs 3 s later)");

            String ray = CatalogContract.newRay();
            assertEquals(200, RawHttp.get(origin.port(), "/hello", CatalogContract.edgeHeaders(ray), 2000).status());
            Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(10));
            assertEquals("/hello", OtlpReceiver.string(span, "url.path"), "spans still arrive");

            List<String> err = origin.stderr();
            assertEquals(1, count(err, "does not take metrics"), "one warning:\n" + String.join("\n", err));
            assertEquals(0, count(err, "cannot export"), "a refusal is not reported as an outage:\n"
                    + String.join("\n", err));
        }
    }

    private static long count(List<String> lines, String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }
}
