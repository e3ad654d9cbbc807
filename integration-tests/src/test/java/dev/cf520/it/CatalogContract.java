package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.bool;
import static dev.cf520.it.OtlpReceiver.has;
import static dev.cf520.it.OtlpReceiver.integer;
import static dev.cf520.it.OtlpReceiver.string;
import static dev.cf520.it.OtlpReceiver.stringArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue against one runtime (JDK x Tomcat line x class-loading layout): every endpoint is
 * requested over a raw socket with its own CF-Ray, the wire is checked, then the one span that
 * reached the OTLP receiver and the agent's log line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CatalogContract {
    protected OtlpReceiver receiver;
    protected OriginProcess origin;

    abstract OriginProcess.Runtime runtime();

    @BeforeAll
    void startOrigin() throws Exception {
        receiver = new OtlpReceiver();
        origin = OriginProcess.start(runtime(), true, OriginProcess.testSettings(receiver));
        // fail fast, with the agent's own words, rather than waiting for spans that cannot come
        assertNotNull(origin.awaitStderr(l -> l.contains(" active") || l.contains("could not"), Duration.ofSeconds(30)),
                "the agent started: " + origin.stderr());
        assertTrue(origin.agentLines().stream().noneMatch(l -> l.contains("could not")), origin.agentLines().toString());
        // the first exchange loads the agent's span path and the container's request classes (about a second
        // on a loaded 2-core machine), longer than a case's 1.5 s idle read: pay it once, without a CF-Ray
        RawHttp.get(origin.port(), "/hello", Map.of(), 15_000);
    }

    @AfterAll
    void stopOrigin() throws Exception {
        if (origin != null) {
            origin.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    /** The catalogue for this runtime's container: Tomcat's unless a subclass says otherwise. */
    List<Catalog.Case> cases() {
        return Catalog.tomcat();
    }

    static String newRay() {
        return String.format("%016x-SJC", ThreadLocalRandom.current().nextLong());
    }

    static Map<String, String> edgeHeaders(String ray) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("CF-Ray", ray);
        h.put("CF-Connecting-IP", "203.0.113.7");
        h.put("CF-IPCountry", "NZ");
        h.put("User-Agent", "cf520-it");
        return h;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endpoint(Catalog.Case c) throws Exception {
        String ray = newRay();
        RawHttp.Response wire = RawHttp.get(origin.port(), c.path, edgeHeaders(ray), 1500);
        c.wire.accept(wire);

        Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, span.getKind());
        assertEquals("GET", span.getName());
        assertEquals("GET", string(span, "http.request.method"));
        assertEquals(c.path, string(span, "url.path"));
        assertEquals("http", string(span, "url.scheme"));
        assertEquals("1.1", string(span, "network.protocol.version"));
        assertEquals(origin.port(), integer(span, "server.port").intValue());
        assertEquals("127.0.0.1", string(span, "network.peer.address"));
        assertEquals("127.0.0.1", string(span, "client.address"), "CF-Connecting-IP from a non-Cloudflare peer is not trusted");
        assertEquals("cf520-it", string(span, "user_agent.original"));
        assertEquals(List.of(ray), stringArray(span, "http.request.header.cf-ray"));
        assertEquals(ray, string(span, "cloudflare.ray_id"));
        assertEquals("SJC", string(span, "cloudflare.colo"));
        assertEquals("NZ", string(span, "cloudflare.ipcountry"));
        assertEquals("203.0.113.7", string(span, "cloudflare.connecting_ip"));
        assertNull(bool(span, "cloudflare.edge_verified"),
                "loopback is a trusted local proxy by default: without X-Forwarded-For there is nothing to judge by");
        assertEquals(Boolean.TRUE, bool(span, "cf520.judged"));
        assertFalse(has(span, "cf520.client_abort"));
        if (c.status == null) {
            assertFalse(has(span, "http.response.status_code"), "no status went out");
        } else {
            assertEquals(c.status.longValue(), integer(span, "http.response.status_code"));
            assertEquals(wire.payloadBytes(), integer(span, "http.response.body.size").intValue(),
                    "body bytes recorded vs received");
        }
        assertTrue(span.getEndTimeUnixNano() >= span.getStartTimeUnixNano());
        List<String> exceptions = new ArrayList<>();
        for (Span.Event e : span.getEventsList()) {
            if (e.getName().equals("exception")) {
                exceptions.add(OtlpReceiver.attr(e.getAttributesList(), "exception.type").get().getStringValue());
                assertFalse(OtlpReceiver.attr(e.getAttributesList(), "exception.message").isPresent(),
                        "exception messages may quote request values: not recorded");
            }
        }
        assertEquals(c.exception == null ? List.of() : List.of(c.exception), exceptions, "exception event");

        if (c.risky()) {
            assertEquals(Boolean.TRUE, bool(span, "cf520.risk"));
            assertEquals(c.reasons.get(0), string(span, "cf520.reason"));
            assertEquals(c.reasons, stringArray(span, "cf520.reasons"));
            assertEquals(c.predicted.longValue(), integer(span, "cf520.predicted_status"));
            assertEquals(c.cause, string(span, "cf520.cause"));
            assertEquals(Status.StatusCode.STATUS_CODE_ERROR, span.getStatus().getCode());
            List<String> eventReasons = new ArrayList<>();
            for (Span.Event e : span.getEventsList()) {
                if (e.getName().equals("cf520.risk")) {
                    eventReasons.add(OtlpReceiver.attr(e.getAttributesList(), "cf520.reason").get().getStringValue());
                    String detail = OtlpReceiver.attr(e.getAttributesList(), "cf520.detail").get().getStringValue();
                    assertTrue(detail.matches(".*\\d.*"), "a detail carries numbers: " + detail);
                    assertTrue(OtlpReceiver.attr(e.getAttributesList(), "cf520.phase").isPresent());
                }
            }
            assertEquals(c.reasons, eventReasons, "one cf520.risk event per reason");
            assertEquals(OtlpReceiver.attr(span.getEvents(0).getAttributesList(), "cf520.detail").get().getStringValue(),
                    span.getStatus().getMessage(), "span status carries the primary detail");
            String line = origin.awaitStderr(l -> l.contains("cf520 520-risk ray=" + ray + " reason=" + c.reasons.get(0)
                    + " GET " + c.path + " status="), Duration.ofSeconds(5));
            assertNotNull(line, "WARN line for " + ray + " in:\n" + String.join("\n", origin.agentLines()));
            assertTrue(line.contains(" WARN "), line);
        } else {
            assertNull(bool(span, "cf520.risk"), "no risk on " + c.path + (c.why == null ? "" : " (" + c.why + ")"));
            assertFalse(has(span, "cf520.reason"));
            assertEquals(c.status >= 500 ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_UNSET,
                    span.getStatus().getCode());
            Thread.sleep(50);
            assertTrue(origin.stderr().stream().noneMatch(l -> l.contains(ray)), "no log line for a healthy exchange");
        }
    }
}
