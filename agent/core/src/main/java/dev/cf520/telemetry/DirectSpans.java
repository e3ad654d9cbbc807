package dev.cf520.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.Collections;
import java.util.List;

/**
 * The span of an exchange without a risk (in {@code cf520.traces=all} mode: most of them), handed straight to the
 * SDK's span processors as a finished {@link ExchangeSpan}, past the SDK's span builder. cf520 builds a span only
 * once its exchange has ended, so nothing of what that builder keeps for a live span (a mutable attribute map, a
 * lock, the end-time bookkeeping, a sorted copy at export) is needed: allocation per healthy exchange in
 * {@code all} mode went from 1,889 to 769 bytes (bench/jmh.sh). The rest is what the SDK
 * does: the configured sampler decides (at the end, with every attribute), the configured batch processors queue
 * and export. A sampler's RECORD_ONLY drops the span here: only sampled spans are ever exported.
 */
final class DirectSpans {
    private static final int RANDOM = 0x02; // W3C trace context level 2: the trace id is random

    private final Sampler sampler;
    private final List<SpanProcessor> processors;
    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final int valueLengthLimit;
    private final IdGenerator ids = IdGenerator.random();

    DirectSpans(Sampler sampler, List<SpanProcessor> processors, Resource resource, InstrumentationScopeInfo scope,
            int valueLengthLimit) {
        this.sampler = sampler;
        this.processors = List.copyOf(processors);
        this.resource = resource;
        this.scope = scope;
        this.valueLengthLimit = valueLengthLimit;
    }

    int valueLengthLimit() {
        return valueLengthLimit;
    }

    /**
     * @param remote an incoming traceparent, or null: the parent when {@code trusted}, else a link
     * @param attributes every attribute; the sampler's own, if any, are added
     */
    void end(String name, SpanContext remote, boolean trusted, AttributeList attributes, boolean error,
            long startEpochNanos, long endEpochNanos) {
        SpanContext parent = remote != null && trusted ? remote : SpanContext.getInvalid();
        Context parentContext = parent.isValid() ? Context.root().with(Span.wrap(parent)) : Context.root();
        List<LinkData> links = remote != null && !trusted
                ? Collections.singletonList(LinkData.create(remote)) : Collections.emptyList();
        String traceId = parent.isValid() ? parent.getTraceId() : ids.generateTraceId();
        SamplingResult sampling = sampler.shouldSample(parentContext, traceId, name, SpanKind.SERVER, attributes, links);
        if (sampling.getDecision() != SamplingDecision.RECORD_AND_SAMPLE) {
            return;
        }
        Attributes extra = sampling.getAttributes();
        if (!extra.isEmpty()) {
            extra.forEach(DirectSpans.into(attributes));
        }
        // sampled, and W3C trace context level 2's "random" bit as the SDK sets it: for a trace id of its own
        // (random), else as the parent has it
        byte flags = (byte) (0x01 | (parent.isValid() ? parent.getTraceFlags().asByte() & RANDOM : RANDOM));
        SpanContext context = SpanContext.create(traceId, ids.generateSpanId(), TraceFlags.fromByte(flags),
                sampling.getUpdatedTraceState(parent.getTraceState()));
        ExchangeSpan span = new ExchangeSpan(name, context, parent, links, attributes,
                error ? StatusData.error() : StatusData.unset(), startEpochNanos, endEpochNanos, resource, scope);
        for (SpanProcessor p : processors) {
            if (p.isEndRequired()) {
                p.onEnd(span);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static java.util.function.BiConsumer<AttributeKey<?>, Object> into(AttributeList attributes) {
        return (k, v) -> attributes.putForeign((AttributeKey) k, v);
    }
}
