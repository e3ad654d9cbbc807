package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeTestAccess;
import dev.cf520.detect.RiskRules;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RiskAwareSamplerTest {
    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String PARENT_SPAN_ID = "b7ad6b7169203331";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private SdkTracerProvider provider;

    @AfterEach
    void close() {
        if (provider != null) {
            provider.shutdown();
        }
    }

    private Tracer tracer(Sampler sampler) {
        provider = SdkTracerProvider.builder().setSampler(sampler)
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        return provider.get("test");
    }

    private static Context unsampledRemoteParent() {
        return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(TRACE_ID, PARENT_SPAN_ID,
                TraceFlags.getDefault(), TraceState.getDefault())));
    }

    private static List<String> names(List<SpanData> spans) {
        List<String> out = new java.util.ArrayList<>();
        for (SpanData s : spans) {
            out.add(s.getName());
        }
        return out;
    }

    @Test
    void riskySpanIsSampledWhateverTheDelegateSays() {
        Tracer tracer = tracer(new RiskAwareSampler(Sampler.alwaysOff()));
        Span risky = tracer.spanBuilder("risky").setAttribute(SpanAttributes.CF520_RISK, true).startSpan();
        Span healthy = tracer.spanBuilder("healthy").startSpan();
        Span notRisky = tracer.spanBuilder("not-risky").setAttribute(SpanAttributes.CF520_RISK, false).startSpan();
        assertTrue(risky.getSpanContext().isSampled());
        assertFalse(healthy.getSpanContext().isSampled());
        assertFalse(notRisky.getSpanContext().isSampled());
        risky.end();
        healthy.end();
        notRisky.end();
        assertEquals(List.of("risky"), names(exporter.getFinishedSpanItems()));
    }

    @Test
    void riskySpanIsSampledUnderAnUnsampledRemoteParent() {
        Tracer tracer = tracer(new RiskAwareSampler(Sampler.parentBased(Sampler.alwaysOn())));
        Span risky = tracer.spanBuilder("risky").setParent(unsampledRemoteParent()).setSpanKind(SpanKind.SERVER)
                .setAttribute(SpanAttributes.CF520_RISK, true).startSpan();
        Span healthy = tracer.spanBuilder("healthy").setParent(unsampledRemoteParent())
                .setSpanKind(SpanKind.SERVER).startSpan();
        risky.end();
        healthy.end();
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(List.of("risky"), names(spans));
        assertEquals(TRACE_ID, spans.get(0).getTraceId(), "still in the caller's trace");
        assertEquals(PARENT_SPAN_ID, spans.get(0).getParentSpanId());
    }

    @Test
    void descriptionNamesTheDelegate() {
        assertEquals("cf520.RiskAware{AlwaysOffSampler}", new RiskAwareSampler(Sampler.alwaysOff()).getDescription());
    }

    /** End to end: the span is built when the exchange has ended, so the sampler sees the risk. */
    @Test
    void spanWriterExchangesAreKeptWhenRiskyEvenWithATrustedUnsampledTraceparent() {
        Tracer tracer = tracer(new RiskAwareSampler(Sampler.parentBased(Sampler.alwaysOn())));
        AgentConfig trust = AgentConfig.from(Map.of(), Map.of("cf520.trust-traceparent", "true"), Map.of());
        SpanWriter writer = new SpanWriter(tracer, trust, new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, List.of()));
        RiskRules rules = new RiskRules(trust);
        String traceparent = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-00";

        Exchange healthy = new Exchange("GET", "/healthy", "HTTP/1.1", "http", 256 * 1024);
        healthy.requestHeader("traceparent", traceparent);
        ExchangeTestAccess.send(healthy, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        ExchangeTestAccess.end(healthy);
        writer.write(healthy, rules.evaluate(healthy));

        Exchange risky = new Exchange("GET", "/risky", "HTTP/1.1", "http", 256 * 1024);
        risky.requestHeader("traceparent", traceparent);
        ExchangeTestAccess.send(risky, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nok");
        ExchangeTestAccess.end(risky);
        writer.write(risky, rules.evaluate(risky));

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(1, spans.size());
        assertEquals("/risky", spans.get(0).getAttributes().get(AttributeKey.stringKey("url.path")));
        assertEquals(TRACE_ID, spans.get(0).getTraceId());
    }
}
