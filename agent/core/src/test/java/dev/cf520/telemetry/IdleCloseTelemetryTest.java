package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.detect.IdleCloses;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleCloseTelemetryTest {
    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracers = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();

    @AfterEach
    void detach() {
        IdleCloses.listen(null);
    }

    private IdleCloseTelemetry listening() {
        IdleCloseTelemetry t = new IdleCloseTelemetry(meters.get("t"), new RiskMetrics(meters.get("t")),
                tracers.get("t"));
        IdleCloses.listen(t);
        return t;
    }

    private static MetricData metric(Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void idleClosesAreCountedWithTheirAge() {
        listening();
        IdleCloses.closed("tomcat", 8080, 60_000);
        IdleCloses.closed("tomcat", 8080, 20_000);
        IdleCloses.closed("tomcat", 8080, -1); // counted, no age
        Collection<MetricData> m = reader.collectAllMetrics();
        assertEquals(3, metric(m, "cf520.idle.closes").getLongSumData().getPoints().iterator().next().getValue());
        var age = metric(m, "cf520.idle.close.age").getHistogramData().getPoints().iterator().next();
        assertEquals(2, age.getCount());
        assertEquals(80.0, age.getSum(), 1e-9);
        assertEquals("tomcat", age.getAttributes().get(AttributeKey.stringKey("cf520.container")));
        assertTrue(spans.getFinishedSpanItems().isEmpty(), "a close alone is no span");
    }

    @Test
    void atDebugEachCloseIsALineStampedWhenItHappened() {
        listening();
        try (dev.cf520.log.LogCapture log = dev.cf520.log.LogCapture.start()) {
            dev.cf520.log.Logs.configure("debug", 1000);
            IdleCloses.closed("tomcat", 8080, 1_003);
            IdleCloses.raced("tomcat", 8080, "127.0.0.1:5000", 1_001, 76); // a race is a close too
            List<String> lines = log.linesContaining("cf520 idle close: ");
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("^\\d{4}-\\d\\d-\\d\\dT\\S+Z DEBUG .*cf520 idle close: tomcat port 8080 "
                    + "closed a keep-alive connection idle for 1003 ms$"), lines.get(0));
        } finally {
            dev.cf520.log.Logs.configure("info", 120); // the defaults
        }
    }

    @Test
    void aRaceIsARiskSpanAndARiskEventAndAClose() {
        listening();
        IdleCloses.raced("undertow", 8443, "198.51.100.7", 59_998, 87);
        List<SpanData> s = spans.getFinishedSpanItems();
        assertEquals(1, s.size());
        SpanData span = s.get(0);
        assertEquals("idle_close_race", span.getAttributes().get(AttributeKey.stringKey("cf520.reason")));
        assertEquals(520L, span.getAttributes().get(AttributeKey.longKey("cf520.predicted_status")));
        assertEquals("198.51.100.7", span.getAttributes().get(AttributeKey.stringKey("network.peer.address")));
        String detail = span.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("cf520.detail"));
        assertEquals("the origin closed a keep-alive connection idle for 59,998 ms with 87 bytes of a request unread:"
                + " the edge's request got no response", detail);
        assertEquals("idle_connection", span.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("cf520.phase")));
        Collection<MetricData> m = reader.collectAllMetrics();
        assertEquals(1, metric(m, "cf520.risk.events").getLongSumData().getPoints().iterator().next().getValue());
        assertEquals(1, metric(m, "cf520.idle.closes").getLongSumData().getPoints().iterator().next().getValue());
    }

    @Test
    void nothingIsReportedBeforeTelemetryListens() {
        IdleCloses.closed("jetty", 80, 30_000);
        IdleCloses.raced("jetty", 80, "127.0.0.1", 30_000, 10);
        listening();
        assertTrue(reader.collectAllMetrics().stream().noneMatch(x -> x.getName().startsWith("cf520.idle")));
        assertTrue(spans.getFinishedSpanItems().isEmpty());
    }
}
