package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeTestAccess;
import dev.cf520.detect.RiskRules;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the encoder writes must read back, field for field, as what the SDK's own marshaler writes. */
class OtlpTraceEncoderTest {
    private static final Resource RESOURCE = Resource.create(Attributes.builder()
            .put("service.name", "encoder-test").put("host.cores", 2L).build(), "https://opentelemetry.io/schemas/1.24.0");
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.builder("dev.cf520")
            .setVersion("1.2").setSchemaUrl("https://example.test/s").setAttributes(Attributes.of(
                    AttributeKey.booleanKey("scope.flag"), true)).build();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void aSpanOfEveryShapeReadsBackAsTheSdkWritesIt() throws Exception {
        SpanContext remoteParent = SpanContext.createFromRemoteParent(TRACE, "a3ce929d0e0e4736",
                TraceFlags.getSampled(), TraceState.builder().put("cf", "x1").put("vendor", "y=2").build());
        String longValue = "v".repeat(300); // its KeyValue is longer than 127 bytes: the length takes two
        List<SpanData> spans = List.of(
                span("minimal").setStatus(StatusData.unset()).build(),
                span("GET /hello").setKind(SpanKind.SERVER).setParentSpanContext(remoteParent)
                        .setAttributes(Attributes.builder()
                                .put("s", "text").put("empty", "").put("long", longValue).put("utf8", "Zürich → 東京")
                                .put("b", false).put("l", -5L).put("big", Long.MAX_VALUE).put("d", 2.5)
                                .put(AttributeKey.stringArrayKey("sa"), List.of("a", "", "ü"))
                                .put(AttributeKey.booleanArrayKey("ba"), List.of(true, false))
                                .put(AttributeKey.longArrayKey("la"), List.of(1L, -1L))
                                .put(AttributeKey.doubleArrayKey("da"), List.of(0.5, -0.0))
                                .build())
                        .setTotalAttributeCount(14)
                        .setEvents(List.of(EventData.create(123L, "cf520.risk", Attributes.of(
                                AttributeKey.stringKey("cf520.reason"), "connection_reset")),
                                EventData.create(124L, "bare", Attributes.empty(), 3)))
                        .setTotalRecordedEvents(4)
                        .setLinks(List.of(LinkData.create(remoteParent, Attributes.of(
                                AttributeKey.stringKey("link.kind"), "untrusted"), 2)))
                        .setTotalRecordedLinks(3)
                        .setStatus(StatusData.create(io.opentelemetry.api.trace.StatusCode.ERROR, "reset by Zürich"))
                        .build(),
                span("ok").setKind(SpanKind.CONSUMER).setStatus(StatusData.ok()).build());
        assertSame(spans);
    }

    @Test
    void cf520sOwnSpansReadBackAsTheSdkWritesThem() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(RESOURCE)
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        DirectSpans direct = new DirectSpans(Sampler.alwaysOn(), List.of(SimpleSpanProcessor.create(exporter)),
                RESOURCE, SCOPE, Integer.MAX_VALUE);
        EdgeVerifier edge = new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, List.of());
        SpanWriter writer = new SpanWriter(provider.get("dev.cf520"), direct, AgentConfig.defaults(), edge);
        Exchange healthy = exchange("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        Exchange risky = exchange("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort");
        RiskRules rules = new RiskRules(AgentConfig.defaults());
        writer.write(healthy, rules.evaluate(healthy));
        List<dev.cf520.detect.Risk> risks = rules.evaluate(risky);
        assertEquals(1, risks.size(), "the short body is a risk: its span goes through the SDK, events and all");
        writer.write(risky, risks);
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(2, spans.size());
        assertTrue(spans.get(0) instanceof ExchangeSpan, "the healthy one went past the SDK's builder");
        assertSame(spans);
        provider.close();
    }

    @Test
    void spansOfSeveralResourcesAndScopesAreGroupedAsTheSdkGroupsThem() throws Exception {
        Resource other = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "other"));
        InstrumentationScopeInfo scope2 = InstrumentationScopeInfo.create("second");
        List<SpanData> spans = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            spans.add(span("s" + i).setResource(i % 2 == 0 ? RESOURCE : other)
                    .setInstrumentationScopeInfo(i % 3 == 0 ? SCOPE : scope2).build());
        }
        // the SDK groups in its maps' order; the groups and their spans must match, whatever the order
        assertEquals(groups(sdk(spans)), groups(ours(spans)));
        ExportTraceServiceRequest ours = ours(spans);
        assertEquals(2, ours.getResourceSpansCount(), "one ResourceSpans per resource");
        assertEquals(2, ours.getResourceSpans(0).getScopeSpansCount(), "one ScopeSpans per scope within it");
        assertEquals(2, ours.getResourceSpans(1).getScopeSpansCount());
    }

    @Test
    void anEmptyBatchIsAnEmptyRequest() throws Exception {
        assertEquals(0, OtlpTraceEncoder.encode(List.of()).length);
    }

    @Test
    void aBatchLargerThanItsFirstGuessGrowsTheBuffer() throws Exception {
        List<SpanData> spans = spansWithOneLongValue(300, "s", 2000);
        assertSame(spans);
    }

    @Test
    void aSmallBatchAfterALargeOneOnTheSameThreadIsExactlyItsOwnRequest() throws Exception {
        List<SpanData> large = spansWithOneLongValue(50, "large", 500);
        byte[] first = OtlpTraceEncoder.encode(large); // leaves this thread's working array full of it
        List<SpanData> small = List.of(span("small").build());
        byte[] second = OtlpTraceEncoder.encode(small);
        assertTrue(second.length < first.length / 10, "the request is the small batch's length, not the array's");
        assertSame(small);
        assertEquals(canonical(sdk(large)), canonical(ExportTraceServiceRequest.parseFrom(first)),
                "the first request was a copy: encoding the second did not change it");
    }

    @Test
    void keysThatShareACacheSlotOrANameEachEncodeAsThemselves() throws Exception {
        List<SpanData> spans = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            AttributesBuilder b = Attributes.builder();
            for (int k = 0; k < 30; k++) { // 1,200 key objects for 256 slots: slots are taken over again and again
                b.put(AttributeKey.stringKey("key." + (i * 30 + k) % 700), "v" + k);
            }
            b.put(AttributeKey.longKey("key.same"), (long) i); // a new key object each span, equal to the last one
            spans.add(span("s" + i).setAttributes(b.build()).build());
        }
        assertSame(spans);
        assertSame(spans); // and again, from the slots the first pass filled
    }

    @Test
    void anAttributeTypeItDoesNotKnowIsRefusedNotGuessed() {
        AttributeKey<String> unknown = new UnknownTypeKey();
        List<SpanData> spans = List.of(span("x").setAttributes(new AttributeList(Integer.MAX_VALUE).put(unknown, "v"))
                .build());
        assertThrows(UnsupportedOperationException.class, () -> OtlpTraceEncoder.encode(spans));
    }

    /** {@code n} spans named {@code prefix} and their index, each with one string attribute of {@code chars} characters. */
    private static List<SpanData> spansWithOneLongValue(int n, String prefix, int chars) {
        List<SpanData> spans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            spans.add(span(prefix + i).setAttributes(Attributes.of(AttributeKey.stringKey("fill"), "x".repeat(chars)))
                    .build());
        }
        return spans;
    }

    private static void assertSame(List<SpanData> spans) throws Exception {
        assertEquals(canonical(sdk(spans)), canonical(ours(spans)));
    }

    /**
     * The request with its ResourceSpans, and each one's ScopeSpans, in a fixed order: the SDK groups spans in
     * IdentityHashMaps, so the order it writes groups in changes from run to run (the spans within a group keep theirs).
     */
    static List<String> canonical(ExportTraceServiceRequest r) {
        List<String> out = new ArrayList<>();
        for (ResourceSpans rs : r.getResourceSpansList()) {
            List<String> scopes = rs.getScopeSpansList().stream().map(ScopeSpans::toString).sorted()
                    .collect(Collectors.toList());
            out.add(rs.getResource() + "|" + rs.getSchemaUrl() + "|" + scopes);
        }
        out.sort(null);
        return out;
    }

    static ExportTraceServiceRequest ours(List<SpanData> spans) throws Exception {
        return ExportTraceServiceRequest.parseFrom(OtlpTraceEncoder.encode(spans));
    }

    static ExportTraceServiceRequest sdk(List<SpanData> spans) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeBinaryTo(out);
        return ExportTraceServiceRequest.parseFrom(out.toByteArray());
    }

    private static List<String> groups(ExportTraceServiceRequest r) {
        List<String> g = new ArrayList<>();
        for (ResourceSpans rs : r.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                g.add(rs.getResource() + "|" + ss.getScope() + "|" + ss.getSpansList().stream()
                        .map(s -> s.getName()).collect(Collectors.joining(",")));
            }
        }
        g.sort(null);
        return g;
    }

    private static TestSpanData.Builder span(String name) {
        return TestSpanData.builder().setName(name).setKind(SpanKind.INTERNAL)
                .setSpanContext(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault()))
                .setResource(RESOURCE).setInstrumentationScopeInfo(SCOPE)
                .setStartEpochNanos(1_700_000_000_000_000_000L).setEndEpochNanos(1_700_000_000_250_000_000L)
                .setHasEnded(true).setStatus(StatusData.unset());
    }

    private static Exchange exchange(String response) {
        Exchange x = new Exchange("GET", "/hello", "HTTP/1.1", "http", 256 * 1024);
        x.requestHeader("cf-ray", "8f1e2d3c4b5a6978-AMS");
        x.requestHeader("user-agent", "curl/8.5.0");
        x.requestHeader("traceparent", "00-" + TRACE + "-" + SPAN + "-01");
        x.server("origin.example", 8443);
        x.peer("162.158.1.2");
        ExchangeTestAccess.send(x, response);
        ExchangeTestAccess.end(x);
        return x;
    }

    /** A key of a type this encoder has never heard of, as a newer API could bring. */
    private static final class UnknownTypeKey implements AttributeKey<String> {
        @Override
        public String getKey() {
            return "future";
        }

        @Override
        public io.opentelemetry.api.common.AttributeType getType() {
            return io.opentelemetry.api.common.AttributeType.VALUE; // 1.68's complex values: the SDK's to encode
        }
    }
}
