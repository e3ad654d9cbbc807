package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeTestAccess;
import dev.cf520.detect.Risk;
import dev.cf520.detect.RiskRules;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every SpanWriterTest again, with the spans of exchanges without a risk going through {@link DirectSpans} (as in
 * the agent) instead of the SDK's tracer; then the two paths side by side on the same exchanges.
 */
class DirectSpanWriterTest extends SpanWriterTest {
    private static final Resource RESOURCE = Resource.getDefault().merge(
            Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "direct-test")));
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.builder("dev.cf520").setVersion("t").build();

    @Override
    SpanWriter writer(AgentConfig config) {
        return new SpanWriter(provider.get("dev.cf520"), direct(provider.getSampler(), Integer.MAX_VALUE, exporter),
                config, EDGE);
    }

    private static DirectSpans direct(Sampler sampler, int valueLengthLimit, InMemorySpanExporter to) {
        return new DirectSpans(sampler, List.of(SimpleSpanProcessor.create(to)), RESOURCE, SCOPE, valueLengthLimit);
    }

    /** A healthy exchange as it comes from Cloudflare, plus {@code extra} request headers. */
    private static Exchange fromCloudflare(Map<String, String> extra, String response) {
        Exchange x = new Exchange("GET", "/hello", "HTTP/1.1", "http", 256 * 1024);
        x.requestHeader("cf-ray", RAY);
        x.requestHeader("cf-connecting-ip", "203.0.113.9");
        x.requestHeader("cf-ipcountry", "NL");
        x.requestHeader("user-agent", "curl/8.5.0");
        extra.forEach(x::requestHeader);
        x.server("origin.example", 8443);
        x.peer("162.158.1.2");
        ExchangeTestAccess.send(x, response);
        ExchangeTestAccess.end(x);
        return x;
    }

    private static SpanData only(InMemorySpanExporter exporter) {
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(1, spans.size());
        return spans.get(0);
    }

    /** The same exchange written by both paths: what an exporter reads must not tell them apart. */
    private static void sameSpan(Exchange x, AgentConfig config) {
        InMemorySpanExporter viaSdk = InMemorySpanExporter.create();
        InMemorySpanExporter viaDirect = InMemorySpanExporter.create();
        SdkTracerProvider sdk = SdkTracerProvider.builder().setResource(RESOURCE)
                .addSpanProcessor(SimpleSpanProcessor.create(viaSdk)).build();
        SpanData a;
        SpanData b;
        try {
            List<Risk> risks = new RiskRules(config).evaluate(x);
            new SpanWriter(sdk.get(SCOPE.getName(), SCOPE.getVersion()), config, EDGE).write(x, risks);
            new SpanWriter(sdk.get(SCOPE.getName(), SCOPE.getVersion()),
                    direct(sdk.getSampler(), Integer.MAX_VALUE, viaDirect), config, EDGE).write(x, risks);
            a = only(viaSdk);
            b = only(viaDirect);
        } finally {
            sdk.shutdown(); // which empties the exporters
        }
        assertInstanceOf(ExchangeSpan.class, b, "written past the SDK's span builder");
        assertEquals(a.getName(), b.getName());
        assertEquals(a.getKind(), b.getKind());
        assertEquals(a.getAttributes().asMap(), b.getAttributes().asMap());
        assertEquals(a.getTotalAttributeCount(), b.getTotalAttributeCount());
        assertEquals(a.getStatus(), b.getStatus());
        assertEquals(a.getStartEpochNanos(), b.getStartEpochNanos());
        assertEquals(a.getEndEpochNanos(), b.getEndEpochNanos());
        assertEquals(a.getParentSpanContext(), b.getParentSpanContext());
        assertEquals(a.getParentSpanContext().isValid(), b.getParentSpanContext().isValid());
        if (a.getParentSpanContext().isValid()) {
            assertEquals(a.getTraceId(), b.getTraceId(), "a trusted traceparent's trace");
        } else {
            assertNotEquals(a.getTraceId(), b.getTraceId(), "a new trace each");
        }
        assertEquals(a.getSpanContext().getTraceFlags(), b.getSpanContext().getTraceFlags());
        assertEquals(a.getSpanContext().getTraceState(), b.getSpanContext().getTraceState());
        assertEquals(a.getLinks().size(), b.getLinks().size());
        for (int i = 0; i < a.getLinks().size(); i++) {
            assertEquals(a.getLinks().get(i).getSpanContext(), b.getLinks().get(i).getSpanContext());
            assertEquals(a.getLinks().get(i).getAttributes(), b.getLinks().get(i).getAttributes());
        }
        assertEquals(a.getEvents(), b.getEvents());
        assertEquals(a.getTotalRecordedEvents(), b.getTotalRecordedEvents());
        assertEquals(a.getTotalRecordedLinks(), b.getTotalRecordedLinks());
        assertEquals(a.getResource(), b.getResource());
        assertEquals(a.getInstrumentationScopeInfo(), b.getInstrumentationScopeInfo());
        assertTrue(b.hasEnded());
    }

    @Test
    void aHealthySpanFromCloudflareIsTheSameThroughEitherPath() {
        sameSpan(fromCloudflare(Map.of(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), AgentConfig.defaults());
    }

    @Test
    void aServerErrorWithoutRiskIsTheSameThroughEitherPath() {
        sameSpan(fromCloudflare(Map.of(), "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\nno"),
                AgentConfig.defaults());
    }

    @Test
    void anUntrustedTraceparentIsTheSameLinkThroughEitherPath() {
        sameSpan(fromCloudflare(Map.of("traceparent", TRACEPARENT, "tracestate", "k=v"),
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), AgentConfig.defaults());
    }

    @Test
    void aTrustedTraceparentIsTheSameParentThroughEitherPath() {
        sameSpan(fromCloudflare(Map.of("traceparent", TRACEPARENT),
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
                AgentConfig.from(Map.of(), Map.of("cf520.trust-traceparent", "true"), Map.of()));
    }

    @Test
    void aTrustedTraceparentWithTheRandomFlagIsTheSameParentThroughEitherPath() {
        sameSpan(fromCloudflare(Map.of("traceparent", TRACEPARENT.substring(0, TRACEPARENT.length() - 2) + "03"),
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
                AgentConfig.from(Map.of(), Map.of("cf520.trust-traceparent", "true"), Map.of()));
    }

    @Test
    void theConfiguredSamplerStillDecidesForHealthySpansAndRiskySpansAreKept() {
        InMemorySpanExporter out = InMemorySpanExporter.create();
        SdkTracerProvider sdk = SdkTracerProvider.builder().setSampler(new RiskAwareSampler(Sampler.alwaysOff()))
                .addSpanProcessor(SimpleSpanProcessor.create(out)).build();
        List<SpanData> spans;
        try {
            SpanWriter w = new SpanWriter(sdk.get("dev.cf520"), direct(sdk.getSampler(), Integer.MAX_VALUE, out),
                    AgentConfig.defaults(), EDGE);
            RiskRules rules = new RiskRules(AgentConfig.defaults());
            Exchange healthy = fromCloudflare(Map.of(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
            w.write(healthy, rules.evaluate(healthy));
            Exchange risky = fromCloudflare(Map.of(), "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello");
            w.write(risky, rules.evaluate(risky));
            spans = out.getFinishedSpanItems();
        } finally {
            sdk.shutdown();
        }
        assertEquals(1, spans.size(), "the healthy span sampled away, the risky one kept");
        assertEquals(Boolean.TRUE, spans.get(0).getAttributes().get(SpanAttributes.CF520_RISK));
        assertFalse(spans.get(0) instanceof ExchangeSpan, "a risk's span, with its events, goes through the SDK");
    }

    @Test
    void theAttributeValueLengthLimitIsAppliedAsTheSdkDoes() {
        int limit = 8;
        InMemorySpanExporter viaSdk = InMemorySpanExporter.create();
        InMemorySpanExporter viaDirect = InMemorySpanExporter.create();
        SdkTracerProvider sdk = SdkTracerProvider.builder()
                .setSpanLimits(SpanLimits.builder().setMaxAttributeValueLength(limit).build())
                .addSpanProcessor(SimpleSpanProcessor.create(viaSdk)).build();
        Attributes a;
        Attributes b;
        try {
            Exchange x = fromCloudflare(Map.of(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
            List<Risk> risks = new ArrayList<>();
            new SpanWriter(sdk.get("dev.cf520"), AgentConfig.defaults(), EDGE).write(x, risks);
            new SpanWriter(sdk.get("dev.cf520"), direct(sdk.getSampler(), limit, viaDirect), AgentConfig.defaults(), EDGE)
                    .write(x, risks);
            a = only(viaSdk).getAttributes();
            b = only(viaDirect).getAttributes();
        } finally {
            sdk.shutdown();
        }
        assertEquals(a.asMap(), b.asMap());
        assertEquals("curl/8.5", b.get(SpanAttributes.USER_AGENT_ORIGINAL));
        assertEquals(List.of(RAY.substring(0, limit)), b.get(SpanAttributes.CF_RAY_HEADER));
    }
}
