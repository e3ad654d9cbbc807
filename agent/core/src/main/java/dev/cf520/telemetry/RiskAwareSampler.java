package dev.cf520.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * Keeps every risky exchange, whatever the configured sampler or an incoming sampled flag says.
 * cf520 builds each span when its exchange has ended, so the risk attributes are already there
 * when the sampler is asked: the keep-or-drop decision is taken at the end, never at the start.
 */
final class RiskAwareSampler implements Sampler {
    private final Sampler delegate;

    RiskAwareSampler(Sampler delegate) {
        this.delegate = delegate;
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
            Attributes attributes, List<LinkData> parentLinks) {
        if (Boolean.TRUE.equals(attributes.get(SpanAttributes.CF520_RISK))) {
            return SamplingResult.create(SamplingDecision.RECORD_AND_SAMPLE);
        }
        return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return "cf520.RiskAware{" + delegate.getDescription() + "}";
    }
}
