package dev.cf520.telemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Arrays;

/**
 * Gives risky spans a queue of their own, so a flood of healthy spans fills and drops only its
 * own queue: under pressure healthy spans go first, risk spans are the last thing dropped. Both
 * queues are bounded batch processors: a request thread never waits on export.
 */
final class RiskFirstSpanProcessor implements SpanProcessor {
    private final SpanProcessor healthy;
    private final SpanProcessor risky;

    RiskFirstSpanProcessor(SpanProcessor healthy, SpanProcessor risky) {
        this.healthy = healthy;
        this.risky = risky;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        // spans are built complete at the end of the exchange: nothing to do at start
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (Boolean.TRUE.equals(span.getAttribute(SpanAttributes.CF520_RISK))) {
            risky.onEnd(span);
        } else {
            healthy.onEnd(span);
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofAll(Arrays.asList(risky.forceFlush(), healthy.forceFlush()));
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofAll(Arrays.asList(risky.shutdown(), healthy.shutdown()));
    }
}
