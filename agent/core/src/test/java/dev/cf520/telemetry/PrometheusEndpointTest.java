package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {

    @Test
    void servesCountersAndHistogramsAsOpenTelemetrysPrometheusExporterNamesThem() throws IOException {
        PrometheusEndpoint endpoint = new PrometheusEndpoint("127.0.0.1", 0);
        SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(endpoint).build();
        try {
            Meter meter = provider.get("test");
            meter.counterBuilder("cf520.risk.events").setUnit("{event}").build()
                    .add(3, Attributes.of(AttributeKey.stringKey("cf520.reason"), "truncated_body"));
            meter.histogramBuilder("http.server.request.duration").setUnit("s")
                    .setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0)).build()
                    .record(0.5, Attributes.of(AttributeKey.stringKey("error.type"), "a\"b\\c\nd"));
            String text = scrape(endpoint.port());
            assertTrue(text.contains("# TYPE cf520_risk_events_total counter\n"), text);
            assertTrue(text.contains("cf520_risk_events_total{cf520_reason=\"truncated_body\"} 3\n"), text);
            assertTrue(text.contains("# TYPE http_server_request_duration_seconds histogram\n"), text);
            assertTrue(text.contains("http_server_request_duration_seconds_bucket{error_type=\"a\\\"b\\\\c\\nd\",le=\"0.1\"} 0\n"), text);
            assertTrue(text.contains("http_server_request_duration_seconds_bucket{error_type=\"a\\\"b\\\\c\\nd\",le=\"1.0\"} 1\n"), text);
            assertTrue(text.contains("http_server_request_duration_seconds_bucket{error_type=\"a\\\"b\\\\c\\nd\",le=\"+Inf\"} 1\n"), text);
            assertTrue(text.contains("http_server_request_duration_seconds_count{error_type=\"a\\\"b\\\\c\\nd\"} 1\n"), text);
        } finally {
            provider.shutdown();
        }
    }

    private static String scrape(int port) throws IOException {
        try (InputStream in = new URL("http://127.0.0.1:" + port + "/metrics").openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void unitsBecomeSuffixesAndAnnotationsAreDropped() {
        assertEquals("a_b", PrometheusEndpoint.name(metric("a.b", "{event}")));
        assertEquals("a_b_seconds", PrometheusEndpoint.name(metric("a.b", "s")));
        assertEquals("a_b_bytes", PrometheusEndpoint.name(metric("a.b", "By")));
        assertEquals("a_seconds", PrometheusEndpoint.name(metric("a.seconds", "s")));
    }

    private static io.opentelemetry.sdk.metrics.data.MetricData metric(String name, String unit) {
        io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader reader =
                io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create();
        SdkMeterProvider p = SdkMeterProvider.builder().registerMetricReader(reader).build();
        p.get("t").counterBuilder(name).setUnit(unit).build().add(1);
        io.opentelemetry.sdk.metrics.data.MetricData m = reader.collectAllMetrics().iterator().next();
        p.shutdown();
        return m;
    }
}
