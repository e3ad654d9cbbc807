package dev.cf520.telemetry;

import dev.cf520.detect.ConnectorSettings;
import dev.cf520.detect.Connectors;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.KeepAliveCheck;
import dev.cf520.detect.Reason;
import dev.cf520.detect.Risk;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * {@code cf520.risk.events} (what to alert on) and {@code http.server.request.duration} (its
 * denominator), plus the agent's own {@code cf520.agent.errors.suppressed}.
 */
final class RiskMetrics {
    private static final List<Double> DURATION_BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 30.0, 60.0, 125.0);

    private final LongCounter riskEvents;
    private final DoubleHistogram duration;
    private final DurationAttributes healthy = new DurationAttributes();

    RiskMetrics(Meter meter) {
        riskEvents = meter.counterBuilder("cf520.risk.events").setUnit("{event}")
                .setDescription("Exchanges that Cloudflare would answer with 520, 502 or 524, by reason").build();
        duration = meter.histogramBuilder("http.server.request.duration").setUnit("s")
                .setDescription("Duration of HTTP server requests.")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        meter.counterBuilder("cf520.agent.errors.suppressed").setUnit("{error}")
                .setDescription("Errors inside the agent that were kept away from the application")
                .buildWithCallback(m -> m.record(dev.cf520.detect.AgentErrors.count()));
        // one series per connector: a fleet dashboard lists the origins where cf520.idle_close_race=true
        meter.gaugeBuilder("cf520.connector.idle_timeout").setUnit("s")
                .setDescription("How long each connector keeps an idle keep-alive connection open; "
                        + "cf520.idle_close_race when that is shorter than the upstream's pool idle timeout")
                .buildWithCallback(m -> {
                    KeepAliveCheck check = Connectors.check();
                    for (ConnectorSettings s : Connectors.all()) {
                        m.record(s.idleTimeoutMillis() / 1000.0, Attributes.of(SpanAttributes.CF520_CONTAINER,
                                s.container(), SpanAttributes.SERVER_PORT, (long) s.port(),
                                SpanAttributes.CF520_IDLE_CLOSE_RACE, check != null && check.idleRace(s)));
                    }
                });
    }

    /** Counts the exchange; risks already counted while it ran (slow_response) are not counted twice. */
    void ended(Exchange x, List<Risk> risks) {
        String method = SpanWriter.method(x.method());
        for (Risk r : risks) {
            if (r != x.slowRisk() && r != x.shutdownRisk()) { // counted when found, while the exchange ran
                count(r.reason(), method);
            }
        }
        String scheme = x.scheme() == null ? "http" : x.scheme();
        String errorType = SpanWriter.errorType(x, risks);
        Attributes a = errorType == null ? healthy.get(method, scheme, x.status()) : null;
        if (a == null) {
            a = DurationAttributes.build(method, scheme, x.status(), errorType);
        }
        duration.record(x.durationNanos() / 1e9, a);
    }

    /** A risk found on a connection without an exchange (no request method is known). */
    void connectionRisk(Risk r) {
        riskEvents.add(1, Attributes.of(SpanAttributes.CF520_REASON, r.reason().code()));
    }

    void running(Exchange x, Risk r) {
        count(r.reason(), SpanWriter.method(x.method()));
    }

    private void count(Reason reason, String method) {
        riskEvents.add(1, Attributes.of(SpanAttributes.CF520_REASON, reason.code(),
                SpanAttributes.HTTP_REQUEST_METHOD, method));
    }

}
