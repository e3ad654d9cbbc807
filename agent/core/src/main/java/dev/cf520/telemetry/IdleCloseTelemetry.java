package dev.cf520.telemetry;

import dev.cf520.detect.AgentErrors;
import dev.cf520.detect.IdleCloses;
import dev.cf520.detect.Risk;
import dev.cf520.log.Logs;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * {@code cf520.idle.closes} and {@code cf520.idle.close.age}: every idle keep-alive connection the
 * origin closed, a chance for the edge to reuse a dead one; and, where the container shows a request
 * already sent on it, an {@code idle_close_race} risk: counted, logged, and a span of its own
 * (there is no exchange: the request never reached the application).
 */
final class IdleCloseTelemetry implements IdleCloses.Listener {
    private static final Logger LOG = Logs.get(IdleCloseTelemetry.class);
    private static final List<Double> AGE_BUCKETS =
            List.of(1.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0);

    private final LongCounter closes;
    private final DoubleHistogram age;
    private final RiskMetrics risks;
    private final Tracer tracer;

    IdleCloseTelemetry(Meter meter, RiskMetrics risks, Tracer tracer) {
        this.closes = meter.counterBuilder("cf520.idle.closes").setUnit("{connection}")
                .setDescription("Idle keep-alive connections the origin closed: each one a chance for the edge to "
                        + "reuse a dead connection (a 520)").build();
        this.age = meter.histogramBuilder("cf520.idle.close.age").setUnit("s")
                .setDescription("How long the connections the origin closed for idleness had been idle")
                .setExplicitBucketBoundariesAdvice(AGE_BUCKETS).build();
        this.risks = risks;
        this.tracer = tracer;
    }

    @Override
    public void closed(String container, int port, long idleMillis) {
        try {
            Attributes a = Attributes.of(SpanAttributes.CF520_CONTAINER, container, SpanAttributes.SERVER_PORT,
                    (long) port);
            closes.add(1, a);
            if (LOG.isDebugEnabled()) { // when it happened, to line a close up with an edge's 502
                LOG.debug("cf520 idle close: {} port {} closed a keep-alive connection idle for {} ms", container, port,
                        idleMillis);
            }
            if (idleMillis >= 0) {
                age.record(idleMillis / 1000.0, a);
            }
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
        }
    }

    @Override
    public void raced(String container, int port, String peer, Risk risk) {
        try {
            risks.connectionRisk(risk);
            LOG.warn("cf520 520-risk ray=- reason=" + risk.reason().code() + " - - status=-: " + risk.detail()
                    + " (" + container + " port " + port + ", peer " + dev.cf520.detect.Text.sanitize(String.valueOf(peer), 64) + ")");
            Span span = tracer.spanBuilder("idle close").setSpanKind(SpanKind.SERVER).setNoParent()
                    .setStartTimestamp(risk.epochNanos(), TimeUnit.NANOSECONDS)
                    .setAllAttributes(Attributes.builder()
                            .put(SpanAttributes.CF520_CONTAINER, container)
                            .put(SpanAttributes.SERVER_PORT, (long) port)
                            .put(SpanAttributes.NETWORK_PEER_ADDRESS, String.valueOf(peer))
                            .put(SpanAttributes.CF520_JUDGED, true)
                            .put(SpanAttributes.CF520_RISK, true)
                            .put(SpanAttributes.CF520_REASON, risk.reason().code())
                            .put(SpanAttributes.CF520_REASONS, List.of(risk.reason().code()))
                            .put(SpanAttributes.CF520_PREDICTED_STATUS, (long) risk.reason().predictedStatus())
                            .build())
                    .startSpan();
            span.addEvent("cf520.risk", Attributes.of(SpanAttributes.CF520_REASON, risk.reason().code(),
                    SpanAttributes.CF520_PHASE, risk.phase().code(), SpanAttributes.CF520_DETAIL, risk.detail()),
                    risk.epochNanos(), TimeUnit.NANOSECONDS);
            span.setStatus(StatusCode.ERROR, risk.detail());
            span.end(risk.epochNanos(), TimeUnit.NANOSECONDS);
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
        }
    }
}
