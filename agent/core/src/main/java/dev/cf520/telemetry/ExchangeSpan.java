package dev.cf520.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.Collections;
import java.util.List;

/**
 * A finished SERVER span of an exchange without a risk, as the SDK's span processors and exporters read one: it is
 * its own {@link SpanData}, immutable from the start, with its attributes in an {@link AttributeList}. See
 * {@link DirectSpans} for why these spans skip the SDK's span builder.
 */
final class ExchangeSpan implements ReadableSpan, SpanData {
    private final String name;
    private final SpanContext context;
    private final SpanContext parent;
    private final List<LinkData> links;
    private final AttributeList attributes;
    private final StatusData status;
    private final long startEpochNanos;
    private final long endEpochNanos;
    private final Resource resource;
    private final InstrumentationScopeInfo scope;

    ExchangeSpan(String name, SpanContext context, SpanContext parent, List<LinkData> links, AttributeList attributes,
            StatusData status, long startEpochNanos, long endEpochNanos, Resource resource, InstrumentationScopeInfo scope) {
        this.name = name;
        this.context = context;
        this.parent = parent;
        this.links = links;
        this.attributes = attributes;
        this.status = status;
        this.startEpochNanos = startEpochNanos;
        this.endEpochNanos = endEpochNanos;
        this.resource = resource;
        this.scope = scope;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public SpanKind getKind() {
        return SpanKind.SERVER;
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public StatusData getStatus() {
        return status;
    }

    @Override
    public long getStartEpochNanos() {
        return startEpochNanos;
    }

    @Override
    public long getEndEpochNanos() {
        return endEpochNanos;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public <T> T getAttribute(AttributeKey<T> key) {
        return attributes.get(key);
    }

    @Override
    public List<EventData> getEvents() {
        return Collections.emptyList();
    }

    @Override
    public List<LinkData> getLinks() {
        return links;
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public long getLatencyNanos() {
        return endEpochNanos - startEpochNanos;
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return links.size();
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    @SuppressWarnings("deprecation") // both interfaces still declare it abstract
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public SpanData toSpanData() {
        return this;
    }

    @Override
    public String toString() {
        return "ExchangeSpan{" + name + ", " + context + ", " + attributes + "}";
    }
}
