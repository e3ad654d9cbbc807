package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeTestAccess;
import dev.cf520.detect.RiskRules;
import dev.cf520.log.LogCapture;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
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
        SdkTracerProvider tracer = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        SdkMeterProvider meter = SdkMeterProvider.builder().registerMetricReader(reader).build();
        TelemetrySink sink = new TelemetrySink(
                new SpanWriter(tracer.get("t"), config, new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, List.of())),
                new RiskMetrics(meter.get("t")), new RiskLogLine(), config.riskyTracesOnly(),
                new EdgeBypassLog(new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, config.trustedProxies())));
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

    private static Exchange exchange(String wire) {
        Exchange x = new Exchange("GET", "/x", "HTTP/1.1", "http", 256 * 1024);
        ExchangeTestAccess.send(x, wire);
        ExchangeTestAccess.end(x);
        return x;
    }
}
