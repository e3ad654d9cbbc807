package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeTestAccess;
import dev.cf520.detect.RiskRules;
import dev.cf520.detect.Risk;
import dev.cf520.detect.Phase;
import dev.cf520.log.LogCapture;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cf520.traces=risky: no span for a healthy exchange, every risky one still a span, metrics count both. */
class TelemetrySinkTest {

    @Test
    void riskyModeDropsOnlyHealthySpans() {
        AgentConfig config = AgentConfig.from(Map.of(), Map.of("cf520.traces", "risky"), Map.of());
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        TelemetrySink sink = sink(config, spans, reader);
        RiskRules rules = new RiskRules(config);
        try (LogCapture ignored = LogCapture.start()) {
            Exchange healthy = exchange("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
            Exchange risky = exchange("HTTP/1.1 200 \r\nContent-Length: 10\r\n\r\nok");
            sink.exchangeEnded(healthy, rules.evaluate(healthy));
            sink.exchangeEnded(risky, rules.evaluate(risky));
        }
        assertEquals(1, spans.getFinishedSpanItems().size(), "only the risky exchange became a span");
        assertEquals("truncated_body", spans.getFinishedSpanItems().get(0).getAttributes()
                .get(SpanAttributes.CF520_REASON));
        long requests = 0;
        for (MetricData m : reader.collectAllMetrics()) {
            if (m.getName().equals("http.server.request.duration")) {
                requests = m.getHistogramData().getPoints().stream().mapToLong(p -> p.getCount()).sum();
            }
        }
        assertEquals(2, requests, "the duration histogram, the risk ratio's denominator, counts both");
    }

    /**
     * The sink releases an exchange's wire record once span, metrics and log line are written; an
     * exchange the deferred sink holds keeps it until the telemetry sink has read it, however many
     * other exchanges come and go through the pool meanwhile.
     */
    @Test
    void theWireIsReleasedOnlyOnceTelemetryIsWritten() {
        AgentConfig config = AgentConfig.from(Map.of(), Map.of(), Map.of());
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        TelemetrySink sink = sink(config, spans, InMemoryMetricReader.create());
        DeferredSink deferred = new DeferredSink();
        RiskRules rules = new RiskRules(config);
        Exchange held = exchange("HTTP/1.1 201 \r\nContent-Length: 7\r\n\r\ncreated");
        deferred.exchangeEnded(held, rules.evaluate(held));
        for (int i = 0; i < 100; i++) {
            Exchange other = exchange("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n");
            sink.exchangeEnded(other, rules.evaluate(other));
            assertNull(other.response(), "released by the telemetry sink");
        }
        assertEquals(7, held.response().payloadBytes(), "still the held exchange's own");
        deferred.ready(sink);
        assertNull(held.response());
        assertEquals(201, held.status());
        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData span = all.get(all.size() - 1); // the held one comes last
        assertEquals(201L, span.getAttributes().get(SpanAttributes.HTTP_RESPONSE_STATUS_CODE));
        assertEquals(7L, span.getAttributes().get(SpanAttributes.HTTP_RESPONSE_BODY_SIZE));
    }

    @Test
    void aResetFoundAfterTheExchangeEndedIsItsOwnSpanWithTheRayIdCountedOnce() {
        AgentConfig config = AgentConfig.from(Map.of(), Map.of("cf520.traces", "risky"), Map.of());
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        TelemetrySink sink = sink(config, spans, reader);
        RiskRules rules = new RiskRules(config);
        Exchange x = new Exchange("POST", "/upload", "HTTP/1.1", "http", 256 * 1024);
        x.requestHeader("cf-ray", "8e39e2c50f3aab97-SJC");
        ExchangeTestAccess.send(x, "HTTP/1.1 413 \r\nContent-Length: 2\r\n\r\nno");
        ExchangeTestAccess.end(x);
        try (LogCapture log = LogCapture.start()) {
            sink.exchangeEnded(x, rules.evaluate(x)); // healthy at its end: no span in risky mode
            Risk reset = rules.reset(x, 4096, System.nanoTime(), "test"); // after the wire record was released
            assertEquals(Phase.AFTER_BODY, reset.phase());
            sink.riskAfterEnd(x, reset);
            assertEquals(1, log.lines().stream().filter(l -> l.contains("ray=8e39e2c50f3aab97-SJC reason=connection_reset"
                    + " POST /upload status=413")).count(), String.join("\n", log.lines()));
        }
        assertEquals(1, spans.getFinishedSpanItems().size());
        SpanData span = spans.getFinishedSpanItems().get(0);
        assertEquals("connection reset", span.getName());
        assertEquals("connection_reset", span.getAttributes().get(SpanAttributes.CF520_REASON));
        assertEquals("8e39e2c50f3aab97-SJC", span.getAttributes().get(SpanAttributes.CLOUDFLARE_RAY_ID));
        assertEquals(413L, span.getAttributes().get(SpanAttributes.HTTP_RESPONSE_STATUS_CODE));
        long resets = 0;
        for (MetricData m : reader.collectAllMetrics()) {
            if (m.getName().equals("cf520.risk.events")) {
                resets = m.getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum();
            }
        }
        assertEquals(1, resets);
    }

    private static TelemetrySink sink(AgentConfig config, InMemorySpanExporter spans, InMemoryMetricReader reader) {
        SdkTracerProvider tracer = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        SdkMeterProvider meter = SdkMeterProvider.builder().registerMetricReader(reader).build();
        return new TelemetrySink(
                new SpanWriter(tracer.get("t"), config, new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, List.of())),
                new RiskMetrics(meter.get("t")), new RiskLogLine(), config.riskyTracesOnly(),
                new EdgeBypassLog(new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, config.trustedProxies())));
    }

    private static Exchange exchange(String wire) {
        Exchange x = new Exchange("GET", "/x", "HTTP/1.1", "http", 256 * 1024);
        ExchangeTestAccess.send(x, wire);
        ExchangeTestAccess.end(x);
        return x;
    }
}
