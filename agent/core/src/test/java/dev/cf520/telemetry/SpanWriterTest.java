package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeTestAccess;
import dev.cf520.detect.Risk;
import dev.cf520.detect.RiskRules;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpanWriterTest {
    static final String RAY = "8e39e2c50f3aab97-SJC";
    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String PARENT_SPAN_ID = "b7ad6b7169203331";
    static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";
    static final EdgeVerifier EDGE = new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, List.of());

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final RiskRules rules = new RiskRules(AgentConfig.defaults());

    @AfterEach
    void close() {
        provider.shutdown();
    }

    /** Every span through the SDK's tracer; {@link DirectSpanWriterTest} runs the same tests with DirectSpans. */
    SpanWriter writer(AgentConfig config) {
        return new SpanWriter(provider.get("dev.cf520"), config, EDGE);
    }

    private static Exchange exchange(String method) {
        return new Exchange(method, "/x", "HTTP/1.1", "http", 256 * 1024);
    }

    private static void healthyResponse(Exchange x) {
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    }

    private static void truncatedResponse(Exchange x) {
        char[] body = new char[412];
        Arrays.fill(body, 'a');
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + new String(body));
    }

    /** Ends the exchange, judges it, writes its span and returns the one span exported. */
    private SpanData write(Exchange x, AgentConfig config) {
        List<Risk> risks = end(x);
        writer(config).write(x, risks);
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(1, spans.size(), "one span per exchange");
        return spans.get(0);
    }

    private SpanData write(Exchange x) {
        return write(x, AgentConfig.defaults());
    }

    private List<Risk> end(Exchange x) {
        sleep(3); // so that the end differs from the start
        assertTrue(ExchangeTestAccess.end(x));
        return rules.evaluate(x);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void healthyExchangeIsOneServerSpanWithTheContractAttributes() {
        Exchange x = exchange("GET");
        x.requestHeader("cf-ray", RAY);
        healthyResponse(x);
        SpanData span = write(x);

        assertEquals("GET", span.getName());
        assertEquals(SpanKind.SERVER, span.getKind());
        assertEquals(x.startEpochNanos(), span.getStartEpochNanos());
        assertEquals(x.endEpochNanos(), span.getEndEpochNanos());
        assertTrue(span.getEndEpochNanos() > span.getStartEpochNanos());

        Attributes a = span.getAttributes();
        assertEquals("GET", a.get(SpanAttributes.HTTP_REQUEST_METHOD));
        assertNull(a.get(SpanAttributes.HTTP_REQUEST_METHOD_ORIGINAL));
        assertEquals("/x", a.get(AttributeKey.stringKey("url.path")));
        assertEquals("http", a.get(AttributeKey.stringKey("url.scheme")));
        assertEquals("1.1", a.get(AttributeKey.stringKey("network.protocol.version")));
        assertEquals(200L, a.get(AttributeKey.longKey("http.response.status_code")));
        assertEquals(5L, a.get(AttributeKey.longKey("http.response.body.size")));
        assertEquals(List.of(RAY), a.get(AttributeKey.stringArrayKey("http.request.header.cf-ray")));
        assertEquals(RAY, a.get(AttributeKey.stringKey("cloudflare.ray_id")));
        assertEquals("SJC", a.get(AttributeKey.stringKey("cloudflare.colo")));
        assertNull(a.get(AttributeKey.booleanKey("cloudflare.ray_id_invalid")));
        assertEquals(Boolean.TRUE, a.get(AttributeKey.booleanKey("cf520.judged")));
        assertNull(a.get(AttributeKey.booleanKey("cf520.risk")));
        assertNull(a.get(AttributeKey.stringKey("cf520.reason")));
        assertNull(a.get(AttributeKey.stringKey("error.type")));
        assertNull(a.get(AttributeKey.booleanKey("cf520.client_abort")));
        // no peer address: whether it came from Cloudflare cannot be judged
        assertNull(a.get(AttributeKey.booleanKey("cloudflare.edge_verified")));

        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
        assertTrue(span.getEvents().isEmpty());
        assertTrue(span.getLinks().isEmpty());
        assertFalse(span.getParentSpanContext().isValid());
    }

    @Test
    void bodySizeCountsBytesWrittenPastTheDeclaredLength() {
        Exchange x = exchange("GET");
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, and 15 more");
        SpanData span = write(x);
        assertEquals(18L, span.getAttributes().get(AttributeKey.longKey("http.response.body.size")));
        assertEquals("content_length_mismatch", span.getAttributes().get(AttributeKey.stringKey("cf520.reason")));
    }

    @Test
    void riskyExchangeCarriesRiskAttributesEventAndErrorStatus() {
        Exchange x = exchange("GET");
        truncatedResponse(x);
        List<Risk> risks = end(x);
        assertEquals(1, risks.size());
        Risk risk = risks.get(0);
        writer(AgentConfig.defaults()).write(x, risks);
        SpanData span = exporter.getFinishedSpanItems().get(0);

        Attributes a = span.getAttributes();
        assertEquals(Boolean.TRUE, a.get(AttributeKey.booleanKey("cf520.risk")));
        assertEquals("truncated_body", a.get(AttributeKey.stringKey("cf520.reason")));
        assertEquals(List.of("truncated_body"), a.get(AttributeKey.stringArrayKey("cf520.reasons")));
        assertEquals(502L, a.get(AttributeKey.longKey("cf520.predicted_status")));
        assertEquals("truncated_body", a.get(AttributeKey.stringKey("error.type")));
        assertEquals(412L, a.get(AttributeKey.longKey("http.response.body.size")));
        assertEquals(200L, a.get(AttributeKey.longKey("http.response.status_code")));
        assertNull(a.get(AttributeKey.stringKey("cf520.cause")));

        List<EventData> events = span.getEvents();
        assertEquals(1, events.size());
        EventData e = events.get(0);
        assertEquals("cf520.risk", e.getName());
        assertEquals("truncated_body", e.getAttributes().get(AttributeKey.stringKey("cf520.reason")));
        assertEquals("during_body", e.getAttributes().get(AttributeKey.stringKey("cf520.phase")));
        String detail = e.getAttributes().get(AttributeKey.stringKey("cf520.detail"));
        assertEquals(risk.detail(), detail);
        assertTrue(detail.contains("10,000") && detail.contains("412"), detail);
        assertEquals(risk.epochNanos(), e.getEpochNanos());

        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
        assertEquals(detail, span.getStatus().getDescription());
    }

    @Test
    void everyReasonIsListedOnceWithThePrimaryFirst() {
        Exchange x = exchange("GET");
        // bad header name (invalid_header) and a cut body (truncated_body)
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nBad Name: v\r\nContent-Length: 100\r\n\r\nabc");
        List<Risk> risks = end(x);
        List<String> codes = new ArrayList<>();
        for (Risk r : risks) {
            codes.add(r.reason().code());
        }
        assertEquals(List.of("invalid_header", "truncated_body"), codes);
        writer(AgentConfig.defaults()).write(x, risks);
        SpanData span = exporter.getFinishedSpanItems().get(0);
        assertEquals("invalid_header", span.getAttributes().get(AttributeKey.stringKey("cf520.reason")));
        assertEquals(codes, span.getAttributes().get(AttributeKey.stringArrayKey("cf520.reasons")));
        assertEquals(520L, span.getAttributes().get(AttributeKey.longKey("cf520.predicted_status")));
        assertEquals(2, span.getEvents().size());
        assertEquals(risks.get(0).detail(), span.getStatus().getDescription());
    }

    @Test
    void serverErrorWithoutRiskIsAnErrorSpan() {
        Exchange x = exchange("GET");
        ExchangeTestAccess.send(x, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        SpanData span = write(x);
        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
        assertEquals("503", span.getAttributes().get(AttributeKey.stringKey("error.type")));
        assertNull(span.getAttributes().get(AttributeKey.booleanKey("cf520.risk")));
    }

    @Test
    void unknownMethodIsOther() {
        Exchange x = exchange("FOO");
        healthyResponse(x);
        SpanData span = write(x);
        assertEquals("HTTP", span.getName());
        assertEquals("_OTHER", span.getAttributes().get(SpanAttributes.HTTP_REQUEST_METHOD));
        assertEquals("FOO", span.getAttributes().get(AttributeKey.stringKey("http.request.method_original")));
    }

    @Test
    void methodsAreCaseSensitive() {
        Exchange x = exchange("get");
        healthyResponse(x);
        SpanData span = write(x);
        assertEquals("HTTP", span.getName());
        assertEquals("_OTHER", span.getAttributes().get(SpanAttributes.HTTP_REQUEST_METHOD));
        assertEquals("get", span.getAttributes().get(AttributeKey.stringKey("http.request.method_original")));
    }

    @Test
    void malformedRayIsRecordedAsSuchAndNotTrusted() {
        Exchange x = exchange("GET");
        x.requestHeader("cf-ray", "not-a-ray");
        healthyResponse(x);
        Attributes a = write(x).getAttributes();
        assertEquals(Boolean.TRUE, a.get(AttributeKey.booleanKey("cloudflare.ray_id_invalid")));
        assertNull(a.get(AttributeKey.stringKey("cloudflare.ray_id")));
        assertNull(a.get(AttributeKey.stringKey("cloudflare.colo")));
        assertEquals(List.of("not-a-ray"), a.get(AttributeKey.stringArrayKey("http.request.header.cf-ray")));
    }

    @Test
    void noRayHeaderMeansNoCloudflareRayAttributes() {
        Exchange x = exchange("GET");
        healthyResponse(x);
        Attributes a = write(x).getAttributes();
        assertNull(a.get(AttributeKey.stringArrayKey("http.request.header.cf-ray")));
        assertNull(a.get(AttributeKey.stringKey("cloudflare.ray_id")));
        assertNull(a.get(AttributeKey.booleanKey("cloudflare.ray_id_invalid")));
    }

    @Test
    void headerValuesAreEscapedAndCapped() {
        Exchange x = exchange("GET");
        StringBuilder ua = new StringBuilder("Mozilla\r\nX-Forged: 1\u0000\u001b[31m");
        while (ua.length() < 1000) {
            ua.append('u');
        }
        assertEquals(1000, ua.length());
        x.requestHeader("user-agent", ua.toString());
        x.requestHeader("cf-ray", "8e39e2c50f3aab97-SJC\r\nX-Evil: 1");
        x.requestHeader("cf-connecting-ip", "203.0.113.7\n");
        x.requestHeader("cf-ipcountry", "DE\u0007");
        healthyResponse(x);
        Attributes a = write(x).getAttributes();

        String agent = a.get(AttributeKey.stringKey("user_agent.original"));
        assertEquals(256, agent.length());
        assertTrue(agent.startsWith("Mozilla\\r\\nX-Forged: 1\\x00\\x1b[31m"), agent);
        assertTrue(agent.endsWith("..."), agent);
        assertNoControlChars(agent);

        List<String> ray = a.get(AttributeKey.stringArrayKey("http.request.header.cf-ray"));
        assertEquals(List.of("8e39e2c50f3aab97-SJC\\r\\nX-Evil: 1"), ray);
        assertEquals(Boolean.TRUE, a.get(AttributeKey.booleanKey("cloudflare.ray_id_invalid")));
        assertEquals("203.0.113.7\\n", a.get(AttributeKey.stringKey("cloudflare.connecting_ip")));
        assertNull(a.get(AttributeKey.stringKey("client.address")), "no peer, and an unverified CF-Connecting-IP is not the client");
        assertEquals("DE\\x07", a.get(AttributeKey.stringKey("cloudflare.ipcountry")));
        a.forEach((k, v) -> assertNoControlChars(String.valueOf(v)));
    }

    @Test
    void longPathAndMethodAreCappedToo() {
        StringBuilder path = new StringBuilder("/");
        while (path.length() < 2000) {
            path.append("a\r\n");
        }
        Exchange x = new Exchange("X".repeat(600), path.toString(), "HTTP/1.1", "http", 256 * 1024);
        healthyResponse(x);
        Attributes a = write(x).getAttributes();
        String p = a.get(AttributeKey.stringKey("url.path"));
        assertTrue(p.length() <= 256, "url.path " + p.length());
        assertNoControlChars(p);
        assertTrue(a.get(AttributeKey.stringKey("http.request.method_original")).length() <= 256);
    }

    private static void assertNoControlChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            assertFalse(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0), "control char at " + i + " in " + s);
        }
    }

    @Test
    void traceparentIsALinkByDefault() {
        Exchange x = exchange("GET");
        x.requestHeader("traceparent", TRACEPARENT);
        healthyResponse(x);
        SpanData span = write(x);
        assertFalse(span.getParentSpanContext().isValid(), "no parent");
        assertNotEquals(TRACE_ID, span.getTraceId());
        assertEquals(1, span.getLinks().size());
        LinkData link = span.getLinks().get(0);
        assertEquals(TRACE_ID, link.getSpanContext().getTraceId());
        assertEquals(PARENT_SPAN_ID, link.getSpanContext().getSpanId());
        assertTrue(link.getSpanContext().isRemote());
    }

    @Test
    void traceparentIsTheParentWhenTrusted() {
        AgentConfig trust = AgentConfig.from(Map.of(), Map.of("cf520.trust-traceparent", "true"), Map.of());
        assertTrue(trust.trustTraceparent());
        Exchange x = exchange("GET");
        x.requestHeader("traceparent", TRACEPARENT);
        healthyResponse(x);
        SpanData span = write(x, trust);
        assertEquals(TRACE_ID, span.getTraceId());
        assertEquals(PARENT_SPAN_ID, span.getParentSpanId());
        assertTrue(span.getParentSpanContext().isRemote());
        assertTrue(span.getLinks().isEmpty());
    }

    @Test
    void invalidTraceparentIsIgnored() {
        AgentConfig trust = AgentConfig.from(Map.of(), Map.of("cf520.trust-traceparent", "true"), Map.of());
        String[] invalid = {
            "garbage",
            "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-0x",
            "00-00000000000000000000000000000000-" + PARENT_SPAN_ID + "-01",
            "00-" + TRACE_ID + "-0000000000000000-01",
            "ff-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01",
            "00-" + TRACE_ID.toUpperCase() + "-" + PARENT_SPAN_ID + "-01",
            "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01-extra",
            "00_" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01",
        };
        for (String tp : invalid) {
            for (AgentConfig config : List.of(AgentConfig.defaults(), trust)) {
                exporter.reset();
                Exchange x = exchange("GET");
                x.requestHeader("traceparent", tp);
                healthyResponse(x);
                SpanData span = write(x, config);
                assertFalse(span.getParentSpanContext().isValid(), tp);
                assertNotEquals(TRACE_ID, span.getTraceId(), tp);
                assertTrue(span.getLinks().isEmpty(), tp);
            }
        }
    }

    @Test
    void exceptionEventHasTypeAndFramesButNoMessage() {
        IllegalStateException root = new IllegalStateException("secret=hunter2");
        Exchange y = exchange("GET");
        truncatedResponse(y);
        y.failed(true, root);
        SpanData span = write(y);

        EventData exception = null;
        for (EventData e : span.getEvents()) {
            if (e.getName().equals("exception")) {
                assertNull(exception, "one exception event");
                exception = e;
            }
        }
        assertTrue(exception != null, "exception event");
        assertEquals("java.lang.IllegalStateException",
                exception.getAttributes().get(AttributeKey.stringKey("exception.type")));
        String stack = exception.getAttributes().get(AttributeKey.stringKey("exception.stacktrace"));
        assertTrue(stack.startsWith("java.lang.IllegalStateException\n"), stack);
        assertTrue(stack.contains("\tat " + SpanWriterTest.class.getName()), stack);
        assertFalse(stack.contains("hunter2"), stack);
        assertNull(exception.getAttributes().get(AttributeKey.stringKey("exception.message")));
        exception.getAttributes().forEach((k, v) -> assertFalse(String.valueOf(v).contains("hunter2"), k.getKey()));
        assertEquals("java.lang.IllegalStateException",
                span.getAttributes().get(AttributeKey.stringKey("cf520.cause")));
        span.getAttributes().forEach((k, v) -> assertFalse(String.valueOf(v).contains("hunter2"), k.getKey()));
        assertFalse(String.valueOf(span.getStatus().getDescription()).contains("hunter2"));
    }

    @Test
    void wrappedCauseIsRecordedByItsRootWithoutAnyMessage() {
        Exchange x = exchange("GET");
        truncatedResponse(x);
        x.failed(true, new RuntimeException("outer secret=hunter2", new StackOverflowError("inner secret=hunter2")));
        SpanData span = write(x);
        assertEquals("java.lang.StackOverflowError", span.getAttributes().get(AttributeKey.stringKey("cf520.cause")));
        for (EventData e : span.getEvents()) {
            e.getAttributes().forEach((k, v) -> assertFalse(String.valueOf(v).contains("hunter2"), k.getKey()));
        }
    }

    @Test
    void clientAbortIsRecordedButNotARisk() {
        Exchange x = exchange("GET");
        truncatedResponse(x);
        x.failed(true, new java.io.IOException("Broken pipe"));
        SpanData span = write(x);
        assertEquals(Boolean.TRUE, span.getAttributes().get(AttributeKey.booleanKey("cf520.client_abort")));
        assertNull(span.getAttributes().get(AttributeKey.booleanKey("cf520.risk")));
        assertNotEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
    }

    @Test
    void http2IsASpanButNotJudged() {
        Exchange x = new Exchange("GET", "/x", "HTTP/2.0", "https", 256 * 1024);
        SpanData span = write(x);
        assertEquals(Boolean.FALSE, span.getAttributes().get(AttributeKey.booleanKey("cf520.judged")));
        assertEquals("2.0", span.getAttributes().get(AttributeKey.stringKey("network.protocol.version")));
        assertNull(span.getAttributes().get(AttributeKey.booleanKey("cf520.risk")));
    }

    @Test
    void connectingIpIsTheClientOnlyWhenTheRequestCameThroughCloudflare() {
        Exchange viaEdge = exchange("GET");
        viaEdge.peer("173.245.48.1");
        viaEdge.requestHeader("cf-connecting-ip", "203.0.113.7");
        healthyResponse(viaEdge);
        assertEquals("203.0.113.7", write(viaEdge).getAttributes().get(AttributeKey.stringKey("client.address")));

        exporter.reset();
        Exchange direct = exchange("GET");
        direct.peer("198.51.100.9");
        direct.requestHeader("cf-connecting-ip", "203.0.113.7");
        healthyResponse(direct);
        Attributes a = write(direct).getAttributes();
        assertEquals("198.51.100.9", a.get(AttributeKey.stringKey("client.address")), "a spoofed header is not trusted");
        assertEquals("203.0.113.7", a.get(AttributeKey.stringKey("cloudflare.connecting_ip")), "but it is recorded");
    }

    @Test
    void edgeVerifiedForCloudflarePeerOnly() {
        Exchange cf = exchange("GET");
        cf.peer("173.245.48.1");
        healthyResponse(cf);
        SpanData span = write(cf);
        assertEquals(Boolean.TRUE, span.getAttributes().get(AttributeKey.booleanKey("cloudflare.edge_verified")));
        assertEquals("173.245.48.1", span.getAttributes().get(AttributeKey.stringKey("network.peer.address")));
        assertEquals("173.245.48.1", span.getAttributes().get(AttributeKey.stringKey("client.address")));

        exporter.reset();
        Exchange local = exchange("GET");
        local.peer("127.0.0.1");
        healthyResponse(local);
        span = write(local);
        assertEquals(Boolean.FALSE, span.getAttributes().get(AttributeKey.booleanKey("cloudflare.edge_verified")));
    }
}
