package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeTestAccess;
import dev.cf520.detect.Reason;
import dev.cf520.detect.Risk;
import dev.cf520.detect.RiskRules;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RiskMetricsTest {
    private static final long SECOND = 1_000_000_000L;

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final RiskMetrics metrics = new RiskMetrics(provider.get("dev.cf520"));
    private final RiskRules rules = new RiskRules(AgentConfig.defaults());

    @AfterEach
    void close() {
        provider.shutdown();
    }

    private static Exchange exchange(String method) {
        return new Exchange(method, "/x", "HTTP/1.1", "http", 256 * 1024);
    }

    private List<Risk> end(Exchange x) {
        assertTrue(ExchangeTestAccess.end(x));
        return rules.evaluate(x);
    }

    private static MetricData metric(Collection<MetricData> all, String name) {
        for (MetricData m : all) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** cf520.risk.events by reason and method (sums; absent reason = 0). */
    private static long riskEvents(Collection<MetricData> all, String reason, String method) {
        MetricData m = metric(all, "cf520.risk.events");
        if (m == null) {
            return 0;
        }
        long n = 0;
        for (LongPointData p : m.getLongSumData().getPoints()) {
            if (reason.equals(p.getAttributes().get(AttributeKey.stringKey("cf520.reason")))
                    && method.equals(p.getAttributes().get(AttributeKey.stringKey("http.request.method")))) {
                n += p.getValue();
            }
        }
        return n;
    }

    private static long totalRiskEvents(Collection<MetricData> all) {
        MetricData m = metric(all, "cf520.risk.events");
        long n = 0;
        if (m != null) {
            for (LongPointData p : m.getLongSumData().getPoints()) {
                n += p.getValue();
            }
        }
        return n;
    }

    @Test
    void endedCountsEachRiskByReasonAndMethod() {
        Exchange x = exchange("POST");
        // invalid_header and truncated_body
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nBad Name: v\r\nContent-Length: 100\r\n\r\nabc");
        List<Risk> risks = end(x);
        assertEquals(2, risks.size());
        metrics.ended(x, risks);

        Collection<MetricData> all = reader.collectAllMetrics();
        MetricData events = metric(all, "cf520.risk.events");
        assertNotNull(events);
        assertEquals("{event}", events.getUnit());
        assertTrue(events.getLongSumData().isMonotonic());
        assertEquals(1, riskEvents(all, "invalid_header", "POST"));
        assertEquals(1, riskEvents(all, "truncated_body", "POST"));
        assertEquals(2, totalRiskEvents(all));
        for (LongPointData p : events.getLongSumData().getPoints()) {
            assertEquals(2, p.getAttributes().size(), "only cf520.reason and http.request.method: " + p.getAttributes());
        }
    }

    @Test
    void healthyExchangeCountsNoRiskButIsInTheDenominator() {
        Exchange x = exchange("GET");
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        metrics.ended(x, end(x));
        Collection<MetricData> all = reader.collectAllMetrics();
        assertEquals(0, totalRiskEvents(all));
        MetricData duration = metric(all, "http.server.request.duration");
        assertNotNull(duration);
        HistogramPointData p = duration.getHistogramData().getPoints().iterator().next();
        assertEquals(1, p.getCount());
        Attributes a = p.getAttributes();
        assertEquals("GET", a.get(AttributeKey.stringKey("http.request.method")));
        assertEquals("http", a.get(AttributeKey.stringKey("url.scheme")));
        assertEquals(200L, a.get(AttributeKey.longKey("http.response.status_code")));
        assertNull(a.get(AttributeKey.stringKey("error.type")));
    }

    @Test
    void durationIsRecordedInSeconds() throws InterruptedException {
        Exchange x = exchange("GET");
        Thread.sleep(30);
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nok");
        List<Risk> risks = end(x);
        metrics.ended(x, risks);

        MetricData duration = metric(reader.collectAllMetrics(), "http.server.request.duration");
        assertNotNull(duration);
        assertEquals("s", duration.getUnit());
        List<HistogramPointData> points = new ArrayList<>(duration.getHistogramData().getPoints());
        assertEquals(1, points.size());
        HistogramPointData p = points.get(0);
        assertEquals(1, p.getCount());
        assertEquals(x.durationNanos() / 1e9, p.getSum(), 1e-9);
        assertTrue(p.getSum() >= 0.03 && p.getSum() < 10, "seconds: " + p.getSum());
        assertEquals("truncated_body", p.getAttributes().get(AttributeKey.stringKey("error.type")));
        assertTrue(p.getBoundaries().contains(125.0), "buckets up to the edge read timeout: " + p.getBoundaries());
    }

    @Test
    void unknownMethodIsOtherInMetrics() {
        Exchange x = exchange("FOO");
        metrics.ended(x, end(x)); // nothing written: no_response
        Collection<MetricData> all = reader.collectAllMetrics();
        assertEquals(1, riskEvents(all, "no_response", "_OTHER"));
        assertEquals(0, riskEvents(all, "no_response", "FOO"));
    }

    @Test
    void slowResponseCountedWhileRunningIsNotCountedAgainAtTheEnd() {
        Exchange x = exchange("GET");
        assertNull(rules.slow(x, x.startNanos() + SECOND), "in time");
        Risk slow = rules.slow(x, x.startNanos() + 126 * SECOND);
        assertNotNull(slow);
        assertEquals(Reason.SLOW_RESPONSE, slow.reason());
        assertTrue(ExchangeTestAccess.flagSlow(x, slow));
        metrics.running(x, slow);
        assertEquals(1, riskEvents(reader.collectAllMetrics(), "slow_response", "GET"));

        // the origin answers late, and cuts its body too
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nok");
        List<Risk> risks = end(x);
        assertEquals(2, risks.size());
        assertTrue(risks.contains(slow), "the watchdog's risk is among the exchange's risks");
        metrics.ended(x, risks);

        Collection<MetricData> all = reader.collectAllMetrics();
        assertEquals(1, riskEvents(all, "slow_response", "GET"), "counted once");
        assertEquals(1, riskEvents(all, "truncated_body", "GET"));
        assertEquals(2, totalRiskEvents(all));
    }

    @Test
    void slowResponseFoundOnlyAtTheEndIsCounted() {
        // a slow_response risk that is not the watchdog's (not flagged while running) counts when it ends
        Exchange x = exchange("GET");
        Risk slow = rules.slow(x, x.startNanos() + 126 * SECOND);
        ExchangeTestAccess.end(x);
        metrics.ended(x, List.of(slow));
        assertEquals(1, riskEvents(reader.collectAllMetrics(), "slow_response", "GET"));
    }
}
