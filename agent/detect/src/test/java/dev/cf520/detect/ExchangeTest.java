package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ExchangeTest {

    @Test
    void requestLineAndConnectionFacts() {
        Exchange x = new Exchange("GET", "/items/42", "HTTP/1.1", "HTTPS", 1024);
        x.server("origin.internal", 8443);
        x.peer("104.16.0.1");
        assertEquals("GET", x.method());
        assertEquals("/items/42", x.path());
        assertEquals("HTTP/1.1", x.protocol());
        assertEquals("1.1", x.protocolVersion());
        assertEquals("https", x.scheme());
        assertEquals("origin.internal", x.serverAddress());
        assertEquals(8443, x.serverPort());
        assertEquals("104.16.0.1", x.peerAddress());
        assertTrue(x.judged());
        assertTrue(x.startEpochNanos() > 0);
    }

    @Test
    void onlyCapturedRequestHeadersAreKept() {
        Exchange x = new Exchange("GET", "/", "HTTP/1.1", "http", 1024);
        x.requestHeader("cf-ray", "8e39e2c50f3aab97-SJC");
        x.requestHeader("cf-connecting-ip", "203.0.113.7");
        x.requestHeader("x-forwarded-for", "203.0.113.7, 104.16.0.1");
        x.requestHeader("authorization", "Bearer secret");
        x.requestHeader("user-agent", null);
        assertEquals("8e39e2c50f3aab97-SJC", x.requestHeader(Exchange.CF_RAY));
        assertEquals("203.0.113.7", x.requestHeader(Exchange.CF_CONNECTING_IP));
        assertEquals("203.0.113.7, 104.16.0.1", x.requestHeader(Exchange.X_FORWARDED_FOR));
        assertNull(x.requestHeader(Exchange.USER_AGENT));
        for (int i = 0; i < Exchange.CAPTURED_REQUEST_HEADERS.length; i++) {
            String v = x.requestHeader(i);
            assertFalse(v != null && v.contains("secret"), Exchange.CAPTURED_REQUEST_HEADERS[i]);
        }
    }

    /** A container walking its headers once: names found in place, in any case; the first of repeated ones kept. */
    @Test
    void capturedHeadersAreFoundByNameBytesInAnyCase() {
        byte[] line = Bytes.of("xCF-Connecting-IPx");
        assertEquals(Exchange.CF_CONNECTING_IP, Exchange.capturedHeader(line, 1, 16));
        assertEquals(-1, Exchange.capturedHeader(line, 1, 15), "a prefix is another name");
        assertEquals(-1, Exchange.capturedHeader(line, 0, 16), "shifted by one byte");
        for (int i = 0; i < Exchange.CAPTURED_REQUEST_HEADERS.length; i++) {
            String name = Exchange.CAPTURED_REQUEST_HEADERS[i];
            byte[] upper = Bytes.of(name.toUpperCase(java.util.Locale.ROOT));
            assertEquals(i, Exchange.capturedHeader(upper, 0, upper.length), name);
            assertEquals(i, Exchange.capturedHeader(name.toUpperCase(java.util.Locale.ROOT)), name);
        }
        assertEquals(-1, Exchange.capturedHeader(Bytes.of("authorization"), 0, 13));
        assertEquals(-1, Exchange.capturedHeader("cf-rays"));

        Exchange x = new Exchange("GET", "/", "HTTP/1.1", "http", 1024);
        x.requestHeader(Exchange.X_FORWARDED_FOR, null);
        x.requestHeader(Exchange.X_FORWARDED_FOR, "203.0.113.7");
        x.requestHeader(Exchange.X_FORWARDED_FOR, "198.51.100.1");
        assertEquals("203.0.113.7", x.requestHeader(Exchange.X_FORWARDED_FOR), "the first value stays");
    }

    @Test
    void endOnlyOnceAndWireIgnoredAfterwards() {
        Exchange x = new Exchange("GET", "/", "HTTP/1.1", "http", 1024);
        byte[] head = Bytes.of("HTTP/1.1 200 \r\nContent-Length: 4\r\n\r\nab");
        x.wire(head, 0, head.length);
        assertTrue(x.end());
        assertFalse(x.end());
        byte[] rest = Bytes.of("cd");
        x.wire(rest, 0, rest.length);
        x.wire(ByteBuffer.wrap(rest));
        assertEquals(2, x.response().payloadBytes());
        assertFalse(x.response().complete());
        assertTrue(x.endEpochNanos() >= x.startEpochNanos());
    }

    @Test
    void byteBufferWireIsNotMoved() {
        Exchange x = new Exchange("GET", "/", "HTTP/1.1", "http", 1024);
        byte[] b = Bytes.of("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        x.wire(d);
        assertEquals(0, d.position());
        assertEquals(200, x.status());
        assertTrue(x.response().complete());
    }

    @Test
    void emptyWritesCreateNoWire() {
        Exchange x = new Exchange("GET", "/", "HTTP/1.1", "http", 1024);
        x.wire(new byte[4], 0, 0);
        x.wire(ByteBuffer.allocate(0));
        assertNull(x.response());
    }

    @Test
    void reasonCodesAreTheContract() {
        String[][] expected = {
            {"SLOW_RESPONSE", "slow_response", "524"},
            {"NO_RESPONSE", "no_response", "520"},
            {"EXCEPTION_AFTER_COMMIT", "exception_after_commit", "520"},
            {"INVALID_STATUS", "invalid_status", "520"},
            {"OVERSIZED_HEADERS", "oversized_headers", "520"},
            {"INVALID_HEADER", "invalid_header", "520"},
            {"CONFLICTING_FRAMING", "conflicting_framing", "520"},
            {"TRUNCATED_BODY", "truncated_body", "502"},
            {"CONTENT_LENGTH_MISMATCH", "content_length_mismatch", "502"},
            {"CONNECTION_RESET", "connection_reset", "520"},
            {"SHUTDOWN_INFLIGHT", "shutdown_inflight", "520"},
            {"IDLE_CLOSE_RACE", "idle_close_race", "520"},
        };
        assertEquals(expected.length, Reason.values().length);
        for (String[] e : expected) {
            Reason r = Reason.valueOf(e[0]);
            assertEquals(e[1], r.code());
            assertEquals(Integer.parseInt(e[2]), r.predictedStatus(), e[0]);
        }
    }

    @Test
    void phaseCodesAreTheContract() {
        assertEquals("before_headers", Phase.BEFORE_HEADERS.code());
        assertEquals("during_body", Phase.DURING_BODY.code());
        assertEquals("after_body", Phase.AFTER_BODY.code());
        assertEquals("idle_connection", Phase.IDLE_CONNECTION.code());
        assertEquals(4, Phase.values().length);
    }

    @Test
    void riskToString() {
        Risk r = new Risk(Reason.TRUNCATED_BODY, Phase.DURING_BODY, "declared Content-Length 5, 1 bytes", 42L);
        assertEquals("truncated_body (during_body): declared Content-Length 5, 1 bytes", r.toString());
        assertEquals(42L, r.epochNanos());
    }
}
