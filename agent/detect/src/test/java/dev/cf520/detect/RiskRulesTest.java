package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RiskRulesTest {

    private static final long SECOND = 1_000_000_000L;
    private final RiskRules rules = new RiskRules(AgentConfig.defaults());

    private static Exchange exchange(String method) {
        return new Exchange(method, "/x", "HTTP/1.1", "http", 256 * 1024);
    }

    private static Exchange get() {
        return exchange("GET");
    }

    private static void send(Exchange x, String wire) {
        byte[] b = Bytes.of(wire);
        x.wire(b, 0, b.length);
    }

    private static AgentConfig config(String key, String value) {
        AgentConfig c = AgentConfig.from(Map.of(key, value), Map.of(), Map.of());
        assertEquals(List.of(), c.problems());
        return c;
    }

    private List<Risk> judge(Exchange x) {
        return judge(rules, x);
    }

    private static List<Risk> judge(RiskRules r, Exchange x) {
        assertTrue(x.end(), "first end");
        return r.evaluate(x);
    }

    private static List<Reason> reasons(List<Risk> risks) {
        List<Reason> out = new ArrayList<>();
        for (Risk r : risks) {
            out.add(r.reason());
        }
        return out;
    }

    // ---- no_response ------------------------------------------------------------------------

    @Test
    void noBytesAtAll() {
        Exchange x = get();
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.NO_RESPONSE), reasons(risks));
        Risk r = risks.get(0);
        assertEquals(Phase.BEFORE_HEADERS, r.phase());
        assertTrue(r.detail().matches("the connection was closed [0-9,]+ ms into the exchange, before any response byte"),
                r.detail());
        assertEquals(520, r.reason().predictedStatus());
        assertEquals(x.endEpochNanos(), r.epochNanos());
        assertNull(x.response());
        assertEquals(-1, x.status());
    }

    @Test
    void noResponseNamesTheErrorThatCausedIt() {
        Exchange x = get();
        x.escaped(new OutOfMemoryError("Java heap space, user=alice"));
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.NO_RESPONSE), reasons(risks));
        String d = risks.get(0).detail();
        assertTrue(d.contains("java.lang.OutOfMemoryError"), d);
        assertFalse(d.contains("alice"), "the exception message is not part of the detail: " + d);
        assertTrue(x.cause() instanceof OutOfMemoryError);
    }

    @Test
    void noResponseViaFailedWithAnError() {
        Exchange x = get();
        x.failed(true, new StackOverflowError());
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.NO_RESPONSE), reasons(risks));
        assertTrue(risks.get(0).detail().contains("java.lang.StackOverflowError"), risks.get(0).detail());
    }

    @Test
    void unfinishedHeaderBlockIsNoResponse() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nContent-Ty");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.NO_RESPONSE), reasons(risks));
        assertTrue(risks.get(0).detail().contains("after 25 bytes of an unfinished header block"), risks.get(0).detail());
        assertFalse(x.headWritten());
    }

    // ---- exception_after_commit -------------------------------------------------------------

    @Test
    void exceptionAfterCommitDuringChunkedBody() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nab");
        x.failed(true, new IllegalStateException("boom in handler"));
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.EXCEPTION_AFTER_COMMIT, Reason.TRUNCATED_BODY), reasons(risks));
        Risk primary = risks.get(0);
        assertEquals(Phase.DURING_BODY, primary.phase());
        assertTrue(primary.detail().contains("java.lang.IllegalStateException"), primary.detail());
        assertTrue(primary.detail().contains("7 body bytes"), primary.detail());
        assertTrue(primary.detail().contains("status 200"), primary.detail());
        assertFalse(primary.detail().contains("boom"), primary.detail());
        assertEquals(Phase.DURING_BODY, risks.get(1).phase());
        assertTrue(risks.get(1).detail().contains("chunked body ended without its last chunk after 7 content bytes"),
                risks.get(1).detail());
        assertTrue(x.originAborted());
        assertFalse(x.clientAbort());
    }

    @Test
    void exceptionAfterCompleteBodyIsAfterBody() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        x.failed(true, new IllegalStateException());
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.EXCEPTION_AFTER_COMMIT), reasons(risks));
        assertEquals(Phase.AFTER_BODY, risks.get(0).phase());
    }

    @Test
    void exceptionWithoutAbortOnACompleteResponseIsNoRisk() {
        Exchange x = get();
        send(x, "HTTP/1.1 500 \r\nContent-Length: 5\r\n\r\nerror");
        x.escaped(new IllegalStateException());
        x.failed(false, new IllegalStateException());
        assertEquals(List.of(), judge(x), "the container turned it into a clean 500");
    }

    // ---- truncated_body / content_length_mismatch ---------------------------------------------

    @Test
    void truncatedContentLengthBody() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nContent-Length: 10000\r\n\r\n" + "a".repeat(412));
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.TRUNCATED_BODY), reasons(risks));
        Risk r = risks.get(0);
        assertTrue(r.detail().contains("10,000"), r.detail());
        assertTrue(r.detail().contains("412"), r.detail());
        assertEquals("declared Content-Length 10,000, 412 bytes written before the exchange ended", r.detail());
        assertEquals(Phase.DURING_BODY, r.phase());
        assertEquals(502, r.reason().predictedStatus());
    }

    @Test
    void truncatedChunkedBody() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.TRUNCATED_BODY), reasons(risks));
        assertTrue(risks.get(0).detail().contains("after 4 content bytes"), risks.get(0).detail());
    }

    @Test
    void moreBytesThanDeclared() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nContent-Length: 5\r\n\r\nhello and more");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.CONTENT_LENGTH_MISMATCH), reasons(risks));
        Risk r = risks.get(0);
        assertEquals("declared Content-Length 5, 9 more bytes written after it", r.detail());
        assertEquals(Phase.AFTER_BODY, r.phase());
        assertEquals(502, r.reason().predictedStatus());
    }

    @Test
    void bodyOnAHeadResponseIsAMismatch() {
        Exchange x = exchange("HEAD");
        send(x, "HTTP/1.1 200 \r\nContent-Length: 4\r\n\r\nbody");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.CONTENT_LENGTH_MISMATCH), reasons(risks));
        assertTrue(risks.get(0).detail().contains("allows no body"), risks.get(0).detail());
    }

    @Test
    void bytesAfterLastChunkAreAMismatch() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\nxx");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.CONTENT_LENGTH_MISMATCH), reasons(risks));
        assertTrue(risks.get(0).detail().contains("had ended with its last chunk"), risks.get(0).detail());
        assertTrue(risks.get(0).detail().contains("2 more bytes"), risks.get(0).detail());
    }

    // ---- oversized_headers --------------------------------------------------------------------

    private static String cookieHeavyHead(int cookies, int valueChars) {
        StringBuilder b = new StringBuilder("HTTP/1.1 200 \r\nContent-Length: 2\r\n");
        for (int i = 0; i < cookies; i++) {
            b.append("Set-Cookie: c").append(i).append("=SECRETVALUE").append("s".repeat(valueChars)).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    @Test
    void oversizedHeaderBlockNamesSizesAndCountsNeverValues() {
        String head = cookieHeavyHead(200, 700);
        assertTrue(head.length() > 128 * 1024);
        Exchange x = get();
        send(x, head + "ok");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.OVERSIZED_HEADERS), reasons(risks));
        Risk r = risks.get(0);
        String d = r.detail();
        assertEquals(Phase.BEFORE_HEADERS, r.phase());
        assertTrue(d.contains(Text.count(head.length()) + " bytes"), d);
        assertTrue(d.contains("(limit 131,072)"), d);
        assertTrue(d.contains("in 201 headers"), d);
        assertTrue(d.contains("200 Set-Cookie headers"), d);
        assertTrue(d.contains("largest header \"Set-Cookie\""), d);
        assertFalse(d.contains("SECRETVALUE"), d);
        assertFalse(d.contains("sss"), d);
        assertEquals(520, r.reason().predictedStatus());
    }

    @Test
    void headerBlockExactlyAtTheLimitIsFine() {
        String base = "HTTP/1.1 200 \r\nContent-Length: 0\r\nX-Pad: \r\n\r\n";
        int pad = 128 * 1024 - base.length();
        String atLimit = "HTTP/1.1 200 \r\nContent-Length: 0\r\nX-Pad: " + "p".repeat(pad) + "\r\n\r\n";
        assertEquals(128 * 1024, atLimit.length());
        Exchange ok = get();
        send(ok, atLimit);
        assertEquals(List.of(), judge(ok));

        String overLimit = "HTTP/1.1 200 \r\nContent-Length: 0\r\nX-Pad: " + "p".repeat(pad + 1) + "\r\n\r\n";
        Exchange over = get();
        send(over, overLimit);
        List<Risk> risks = judge(over);
        assertEquals(List.of(Reason.OVERSIZED_HEADERS), reasons(risks));
        assertTrue(risks.get(0).detail().startsWith("response header block is 131,073 bytes"), risks.get(0).detail());
        assertFalse(risks.get(0).detail().contains("Set-Cookie"), "no cookie clause without cookies");
    }

    @Test
    void headerLimitIsConfigurable() {
        RiskRules strict = new RiskRules(config(AgentConfig.MAX_RESPONSE_HEADER_BYTES, "1024"));
        String head = cookieHeavyHead(3, 600);
        assertTrue(head.length() > 1024 && head.length() < 128 * 1024);

        Exchange x = get();
        send(x, head + "ok");
        List<Risk> risks = judge(strict, x);
        assertEquals(List.of(Reason.OVERSIZED_HEADERS), reasons(risks));
        assertTrue(risks.get(0).detail().contains("(limit 1,024)"), risks.get(0).detail());
        assertTrue(risks.get(0).detail().contains("3 Set-Cookie headers"), risks.get(0).detail());

        Exchange same = get();
        send(same, head + "ok");
        assertEquals(List.of(), judge(same), "the default limit lets the same block through");
    }

    // ---- invalid_header / conflicting_framing / invalid_status --------------------------------

    @Test
    void invalidHeaderName() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nBad Name: hunter2\r\nContent-Length: 2\r\n\r\nok");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.INVALID_HEADER), reasons(risks));
        assertTrue(risks.get(0).detail().contains("\"Bad\" (8 bytes)"), risks.get(0).detail());
        assertFalse(risks.get(0).detail().contains("hunter2"), risks.get(0).detail());
        assertEquals(Phase.BEFORE_HEADERS, risks.get(0).phase());
    }

    @Test
    void controlByteInCookieValue() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nSet-Cookie: sid=hunter2\u0001x\r\nX-Bad: \u0000\r\nContent-Length: 2\r\n\r\nok");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.INVALID_HEADER), reasons(risks));
        String d = risks.get(0).detail();
        assertTrue(d.contains("\"Set-Cookie\""), d);
        assertTrue(d.contains("(and 1 more)"), d);
        assertFalse(d.contains("hunter2"), d);
    }

    @Test
    void contentLengthWithTransferEncoding() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.CONFLICTING_FRAMING), reasons(risks));
        assertEquals("Content-Length sent together with Transfer-Encoding", risks.get(0).detail());
        assertEquals(520, risks.get(0).reason().predictedStatus());
    }

    @Test
    void differingContentLengths() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc");
        List<Risk> risks = judge(x);
        assertEquals(Reason.CONFLICTING_FRAMING, risks.get(0).reason());
        assertTrue(risks.get(0).detail().contains("differing values"), risks.get(0).detail());
    }

    @Test
    void nonNumericContentLength() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nContent-Length: lots\r\n\r\nabc");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.CONFLICTING_FRAMING), reasons(risks));
        assertFalse(risks.get(0).detail().contains("lots"), risks.get(0).detail());
    }

    @Test
    void unknownTransferEncoding() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nTransfer-Encoding: br\r\n\r\nabc");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.CONFLICTING_FRAMING), reasons(risks));
    }

    @Test
    void brokenChunkFramingIsConflictingFramingNotTruncation() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.CONFLICTING_FRAMING), reasons(risks));
        assertTrue(risks.get(0).detail().startsWith("invalid chunked framing: invalid chunk size byte 0x78"),
                risks.get(0).detail());
    }

    @Test
    void statusOutOfRange() {
        Exchange x = get();
        send(x, "HTTP/1.1 600 \r\nContent-Length: 0\r\n\r\n");
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.INVALID_STATUS), reasons(risks));
        assertEquals("status line carries status \"600\" (HTTP/1.1), outside 100-599", risks.get(0).detail());
        assertEquals(600, x.status());
    }

    @Test
    void statusNotANumber() {
        for (String status : new String[] {"abc", "1000"}) {
            Exchange x = get();
            send(x, "HTTP/1.1 " + status + " \r\nContent-Length: 0\r\n\r\n");
            List<Risk> risks = judge(x);
            assertEquals(List.of(Reason.INVALID_STATUS), reasons(risks), status);
            assertTrue(risks.get(0).detail().contains("\"" + status + "\""), risks.get(0).detail());
        }
    }

    @Test
    void statusTextIsEscapedInTheDetail() {
        Exchange x = get();
        send(x, "HTTP/1.1 2\u001b0 \r\nContent-Length: 0\r\n\r\n");
        List<Risk> risks = judge(x);
        assertEquals(Reason.INVALID_STATUS, risks.get(0).reason());
        String d = risks.get(0).detail();
        assertFalse(d.contains("\u001b"), d);
        assertTrue(d.contains("2\\x1b0"), d);
    }

    @Test
    void severalFaultsAreOrderedByPrecedence() {
        Exchange x = get();
        send(x, "HTTP/1.1 700 \r\nBad Name: v\r\nContent-Length: 10\r\nTransfer-Encoding: gzip\r\n\r\nab");
        x.failed(true, new IllegalStateException());
        List<Risk> risks = judge(x);
        assertEquals(List.of(Reason.EXCEPTION_AFTER_COMMIT, Reason.INVALID_STATUS, Reason.INVALID_HEADER,
                Reason.CONFLICTING_FRAMING), reasons(risks));
        assertThrows(UnsupportedOperationException.class, () -> risks.add(risks.get(0)));
    }

    // ---- slow_response --------------------------------------------------------------------------

    private final RiskRules twoSeconds = new RiskRules(config(AgentConfig.EDGE_READ_TIMEOUT, "2s"));

    @Test
    void slowResponseAfterTheEdgeReadTimeout() {
        Exchange x = get();
        Risk r = twoSeconds.slow(x, x.startNanos() + 3 * SECOND);
        assertNotNull(r);
        assertEquals(Reason.SLOW_RESPONSE, r.reason());
        assertEquals(Phase.BEFORE_HEADERS, r.phase());
        assertEquals("no response headers after 3 s, the edge's read timeout is 2 s", r.detail());
        assertEquals(524, r.reason().predictedStatus());
        assertEquals(x.startEpochNanos() + 3 * SECOND, r.epochNanos());
    }

    @Test
    void notSlowBeforeTheTimeout() {
        Exchange x = get();
        assertNull(twoSeconds.slow(x, x.startNanos() + SECOND));
        assertNull(twoSeconds.slow(x, x.startNanos() + 2 * SECOND - 1));
        assertNotNull(twoSeconds.slow(x, x.startNanos() + 2 * SECOND));
    }

    @Test
    void defaultTimeoutIs125Seconds() {
        Exchange x = get();
        assertNull(rules.slow(x, x.startNanos() + 124 * SECOND));
        Risk r = rules.slow(x, x.startNanos() + 126 * SECOND);
        assertNotNull(r);
        assertTrue(r.detail().contains("read timeout is 125 s"), r.detail());
    }

    @Test
    void fractionalSecondsInTheDetail() {
        RiskRules r = new RiskRules(config(AgentConfig.EDGE_READ_TIMEOUT, "2500ms"));
        Exchange x = get();
        Risk risk = r.slow(x, x.startNanos() + 3_700_000_000L);
        assertEquals("no response headers after 3.7 s, the edge's read timeout is 2.5 s", risk.detail());
    }

    @Test
    void notSlowOnceHeadersAreWritten() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n");
        assertTrue(x.headWritten());
        assertTrue(x.headNanosAfterStart() >= 0);
        assertNull(twoSeconds.slow(x, x.startNanos() + 60 * SECOND));
    }

    @Test
    void interimResponseDoesNotCountAsHeaders() {
        Exchange x = get();
        send(x, "HTTP/1.1 100 Continue\r\n\r\n");
        assertFalse(x.headWritten());
        assertEquals(-1, x.headNanosAfterStart());
        assertNotNull(twoSeconds.slow(x, x.startNanos() + 3 * SECOND));
    }

    @Test
    void flaggedSlowExchangeReportsSlowResponseAsPrimary() {
        Exchange x = get();
        Risk slow = twoSeconds.slow(x, x.startNanos() + 3 * SECOND);
        assertTrue(x.flagSlow(slow));
        assertFalse(x.flagSlow(slow), "flagged once");
        send(x, "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        List<Risk> risks = judge(twoSeconds, x);
        assertEquals(List.of(Reason.SLOW_RESPONSE), reasons(risks));
        assertEquals(slow, risks.get(0));
    }

    @Test
    void slowWithNothingWrittenIsOnlySlow() {
        Exchange x = get();
        assertTrue(x.flagSlow(twoSeconds.slow(x, x.startNanos() + 3 * SECOND)));
        List<Risk> risks = judge(twoSeconds, x);
        assertEquals(List.of(Reason.SLOW_RESPONSE), reasons(risks));
    }

    @Test
    void edgeGivingUpAfterTheTimeoutIsStillSlow() {
        Exchange x = get();
        assertTrue(x.flagSlow(twoSeconds.slow(x, x.startNanos() + 3 * SECOND)));
        send(x, "HTTP/1.1 200 \r\nContent-Length: 100\r\n\r\nabc");
        x.failed(true, new IOException("Broken pipe"));
        List<Risk> risks = judge(twoSeconds, x);
        assertEquals(List.of(Reason.SLOW_RESPONSE), reasons(risks));
        assertTrue(x.clientAbort());
    }

    @Test
    void endedExchangeCannotBeFlagged() {
        Exchange x = get();
        Risk slow = twoSeconds.slow(x, x.startNanos() + 3 * SECOND);
        x.end();
        assertFalse(x.flagSlow(slow));
        assertNull(x.slowRisk());
    }

    // ---- client abort -----------------------------------------------------------------------------

    @Test
    void clientAbortIsNotARisk() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nContent-Length: 10000\r\n\r\n" + "a".repeat(412));
        x.failed(true, new IOException("Broken pipe"));
        assertEquals(List.of(), judge(x));
        assertTrue(x.clientAbort());
        assertFalse(x.originAborted());
    }

    @Test
    void edgeHangingUpOnAnOversizedHeaderBlockIsStillOversized() {
        // nginx reads 128 KiB of the block, answers 502 "upstream sent too big header" and closes;
        // the rest of the origin's write fails with a broken pipe
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nSet-Cookie: a=" + "c".repeat(140 * 1024) + "\r\nContent-Length: 2\r\n\r\n");
        x.failed(true, new IOException("Broken pipe"));
        assertTrue(x.clientAbort());
        assertEquals(List.of(Reason.OVERSIZED_HEADERS), reasons(judge(x)));
    }

    @Test
    void edgeHangingUpOnAnInvalidHeaderIsStillInvalid() {
        Exchange x = get();
        send(x, "HTTP/1.1 200 \r\nX-Demo Bad: v\r\nContent-Length: 10000\r\n\r\nabc");
        x.failed(true, new IOException("Connection reset by peer"));
        assertEquals(List.of(Reason.INVALID_HEADER), reasons(judge(x)), "and no truncated_body: the peer cut the body");
    }

    @Test
    void clientAbortBeforeAnyByteIsNotARisk() {
        Exchange x = get();
        x.failed(false, new IOException("Connection reset by peer"));
        assertEquals(List.of(), judge(x));
        assertTrue(x.clientAbort());
    }

    @Test
    void laterNonIoCauseReplacesTheIoCause() {
        Exchange x = get();
        x.failed(false, new IOException("Broken pipe"));
        IllegalStateException ise = new IllegalStateException();
        x.failed(false, ise);
        assertEquals(ise, x.cause());
        x.escaped(new RuntimeException());
        assertEquals(ise, x.cause(), "the first real cause is kept");
    }

    // ---- healthy -------------------------------------------------------------------------------------

    @Test
    void healthyResponsesHaveNoRisk() {
        String[][] cases = {
            {"GET", "HTTP/1.1 200 \r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"},
            {"GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"},
            {"GET", "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"},
            {"DELETE", "HTTP/1.1 204 \r\n\r\n"},
            {"GET", "HTTP/1.1 304 \r\nETag: \"abc\"\r\nContent-Length: 5000\r\n\r\n"},
            {"HEAD", "HTTP/1.1 200 \r\nContent-Length: 5000\r\n\r\n"},
            {"GET", "HTTP/1.1 200 \r\nConnection: close\r\n\r\nuntil the connection closes"},
            {"POST", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 \r\nContent-Length: 0\r\n\r\n"},
            {"GET", "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n"},
            {"GET", "HTTP/1.1 500 \r\nContent-Length: 5\r\n\r\nerror"},
            {"GET", "HTTP/1.1 101 \r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0000"},
        };
        for (String[] c : cases) {
            Exchange x = exchange(c[0]);
            send(x, c[1]);
            assertEquals(List.of(), judge(x), c[0] + " " + c[1]);
            assertTrue(x.headWritten());
            assertTrue(x.durationNanos() >= 0);
        }
    }

    @Test
    void healthyResponseFedByteByByte() {
        Exchange x = get();
        byte[] b = Bytes.of("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        for (int i = 0; i < b.length; i++) {
            x.wire(b, i, 1);
        }
        assertEquals(List.of(), judge(x));
        assertEquals(200, x.status());
    }

    // ---- HTTP/2 --------------------------------------------------------------------------------------

    @Test
    void http2IsNotJudged() {
        Exchange x = new Exchange("GET", "/x", "HTTP/2.0", "https", 256 * 1024);
        assertFalse(x.judged());
        assertNull(twoSeconds.slow(x, x.startNanos() + 600 * SECOND));
        send(x, "\u0000\u0000\u0012\u0004\u0000\u0000\u0000\u0000\u0000 not HTTP/1");
        x.failed(true, new IllegalStateException());
        assertEquals(List.of(), judge(x));
        assertEquals("2.0", x.protocolVersion());
    }

    @Test
    void nullProtocolIsNotJudged() {
        Exchange x = new Exchange("GET", "/x", null, "http", 1024);
        assertFalse(x.judged());
        assertNull(x.protocolVersion());
        assertEquals(List.of(), judge(x));
    }
}
