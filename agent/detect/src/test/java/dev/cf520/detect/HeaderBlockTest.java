package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderBlockTest {

    private static HeaderBlock parse(String block) {
        byte[] b = Bytes.of(block);
        return HeaderBlock.parse(b, b.length, b.length);
    }

    private static List<String> allProblems(HeaderBlock h) {
        List<String> all = new ArrayList<>(h.headerProblems());
        all.addAll(h.framingProblems());
        return all;
    }

    private static void assertNoneContains(List<String> sentences, String secret) {
        for (String s : sentences) {
            assertFalse(s.contains(secret), "\"" + s + "\" leaks " + secret);
        }
    }

    // ---- status line ------------------------------------------------------------------------

    @Test
    void tomcatStatusLineWithoutReasonPhrase() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n");
        assertEquals(200, h.status());
        assertTrue(h.validStatus());
        assertEquals("HTTP/1.1", h.version());
        assertEquals("200", h.statusText());
        assertEquals(2, h.headerCount());
        assertEquals(List.of(), h.headerProblems());
        assertEquals(List.of(), h.framingProblems());
        assertEquals(5, h.contentLength());
        assertFalse(h.chunked());
        assertFalse(h.hasTransferEncoding());
        assertFalse(h.interim());
        assertFalse(h.connectionClose());
    }

    @Test
    void statusLineWithReasonPhrase() {
        HeaderBlock h = parse("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        assertEquals(404, h.status());
        assertEquals("404", h.statusText());
        assertTrue(h.validStatus());
    }

    @Test
    void statusLineWithoutTrailingSpace() {
        HeaderBlock h = parse("HTTP/1.0 204\r\n\r\n");
        assertEquals(204, h.status());
        assertEquals("HTTP/1.0", h.version());
        assertTrue(h.validStatus());
        assertEquals(0, h.headerCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 600 ", "HTTP/1.1 1000 ", "HTTP/1.1 abc ", "HTTP/1.1 099 ", "HTTP/1.1 20 ",
        "HTTP/1.1  200 ", "HTTP/1.1 -20 ", "HTTP/1.1 999 Bad", "garbage", ""})
    void invalidStatus(String statusLine) {
        HeaderBlock h = parse(statusLine + "\r\nContent-Length: 0\r\n\r\n");
        assertFalse(h.validStatus(), statusLine);
    }

    @Test
    void outOfRangeStatusKeepsItsNumberAndText() {
        HeaderBlock h = parse("HTTP/1.1 600 \r\n\r\n");
        assertEquals(600, h.status());
        assertEquals("600", h.statusText());
        HeaderBlock four = parse("HTTP/1.1 1000 \r\n\r\n");
        assertEquals(-1, four.status());
        assertEquals("1000", four.statusText());
        HeaderBlock abc = parse("HTTP/1.1 abc \r\n\r\n");
        assertEquals(-1, abc.status());
        assertEquals("abc", abc.statusText());
    }

    @Test
    void nonHttp1VersionIsNotAValidStatusLine() {
        HeaderBlock h = parse("HTTP/2 200 \r\n\r\n");
        assertEquals(200, h.status());
        assertFalse(h.validStatus());
        assertFalse(parse("ICY 200 OK\r\n\r\n").validStatus());
    }

    @Test
    void interimStatuses() {
        assertTrue(parse("HTTP/1.1 100 Continue\r\n\r\n").interim());
        assertTrue(parse("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n").interim());
        assertFalse(parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n").interim());
        assertFalse(parse("HTTP/1.1 200 \r\n\r\n").interim());
    }

    // ---- header syntax ----------------------------------------------------------------------

    @Test
    void headerNameWithSpaceIsNamedButValueIsNot() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nBad Name: secret-value-1\r\nContent-Length: 0\r\n\r\n");
        assertEquals(1, h.headerProblems().size(), h.headerProblems().toString());
        String p = h.headerProblems().get(0);
        assertTrue(p.contains("\"Bad\" (8 bytes)"), p);
        assertTrue(p.contains("0x20"), p);
        assertTrue(p.contains("position 3"), p);
        assertFalse(p.contains("secret-value-1"), p);
    }

    @Test
    void headerNameWithAtSign() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX@Name: secret-value-2\r\n\r\n");
        assertEquals(1, h.headerProblems().size());
        String p = h.headerProblems().get(0);
        assertTrue(p.contains("\"X\" (6 bytes)"), p);
        assertTrue(p.contains("0x40"), p);
        assertFalse(p.contains("secret-value-2"), p);
    }

    @Test
    void valueSplitOffByAStrayLineBreakIsNeverQuoted() {
        // a CRLF inside a Set-Cookie value makes the rest of the value look like a header line
        HeaderBlock h = parse("HTTP/1.1 200 \r\nSet-Cookie: a=b\r\nsession=TOPSECRET; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\n\r\n");
        assertEquals(1, h.headerProblems().size());
        String p = h.headerProblems().get(0);
        assertFalse(p.contains("TOPSECRET"), p);
        assertTrue(p.contains("\"session\""), p);
    }

    @Test
    void nonAsciiByteInHeaderName() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-Caf\u00e9: v\r\n\r\n");
        assertEquals(1, h.headerProblems().size());
        assertTrue(h.headerProblems().get(0).contains("0xe9"), h.headerProblems().get(0));
    }

    @Test
    void controlCharacterInHeaderNameIsEscapedInTheSentence() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-A\u001bB: v\r\n\r\n");
        assertEquals(1, h.headerProblems().size());
        String p = h.headerProblems().get(0);
        assertFalse(p.contains("\u001b"), p);
        assertTrue(p.contains("\"X-A\" (5 bytes) holds byte 0x1b"), p);
    }

    @Test
    void tokenCharactersAreAllowedInNames() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-!#$%&'*+-.^_`|~09azAZ: v\r\n\r\n");
        assertEquals(List.of(), h.headerProblems());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x01, 0x08, 0x0b, 0x0c, 0x0d, 0x1f, 0x7f})
    void controlByteInValueIsAProblemNamingTheHeaderOnly(int control) {
        String block = "HTTP/1.1 200 \r\nX-Data: abc" + (char) control + "defSECRET\r\n\r\n";
        HeaderBlock h = parse(block);
        assertEquals(1, h.headerProblems().size(), h.headerProblems().toString());
        String p = h.headerProblems().get(0);
        assertTrue(p.contains("\"X-Data\""), p);
        assertTrue(p.contains(String.format("0x%02x", control)), p);
        assertTrue(p.contains("position 3"), p);
        assertFalse(p.contains("abc"), p);
        assertFalse(p.contains("SECRET"), p);
    }

    @Test
    void tabAndObsTextInValueAreAllowed() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-Data: a\tb \u00e9\u00ff\r\n\r\n");
        assertEquals(List.of(), h.headerProblems());
    }

    @Test
    void cookieSecretsNeverAppearInProblems() {
        String secret = "sessionid=TOPSECRET-9f8e7d";
        HeaderBlock h = parse("HTTP/1.1 200 \r\n"
                + "Set-Cookie: " + secret + "\u0001; Path=/\r\n"
                + "Set Cookie: " + secret + "\r\n"
                + "Set-Cookie:" + secret + "\u007f\r\n"
                + "Authorization: Bearer TOPSECRET-9f8e7d\u0000\r\n"
                + "Content-Length: 1\r\n"
                + "Content-Length: 2\r\n\r\n");
        assertEquals(4, h.headerProblems().size(), h.headerProblems().toString());
        assertFalse(h.framingProblems().isEmpty());
        assertNoneContains(allProblems(h), "TOPSECRET");
        assertNoneContains(allProblems(h), "sessionid");
        assertTrue(h.headerProblems().get(0).contains("\"Set-Cookie\""), h.headerProblems().get(0));
        assertTrue(h.headerProblems().get(3).contains("\"Authorization\""), h.headerProblems().get(3));
    }

    @Test
    void bareLfLineIsAProblem() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-A: 1\nX-B: 2\r\n\r\n");
        assertEquals(1, h.headerProblems().size());
        assertTrue(h.headerProblems().get(0).contains("line 2 ends in a bare LF"), h.headerProblems().get(0));
        assertEquals(2, h.headerCount());
    }

    @Test
    void bareLfStatusLine() {
        HeaderBlock h = parse("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n");
        assertEquals(200, h.status());
        assertTrue(h.headerProblems().get(0).contains("line 1 ends in a bare LF"), h.headerProblems().toString());
    }

    @Test
    void foldedContinuationLineIsAProblem() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-A: 1\r\n  continued-SECRET\r\n\r\n");
        assertEquals(1, h.headerProblems().size());
        String p = h.headerProblems().get(0);
        assertTrue(p.contains("line 3 is an obsolete folded continuation line"), p);
        assertFalse(p.contains("SECRET"), p);
    }

    @Test
    void lineWithoutColonAndEmptyName() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nNoColonHereSECRET\r\n: empty-name\r\n\r\n");
        assertEquals(2, h.headerProblems().size());
        assertTrue(h.headerProblems().get(0).contains("line 2 has no colon"), h.headerProblems().get(0));
        assertTrue(h.headerProblems().get(1).contains("line 3 has an empty header name"), h.headerProblems().get(1));
        assertNoneContains(h.headerProblems(), "SECRET");
        assertNoneContains(h.headerProblems(), "empty-name");
    }

    @Test
    void onlyTheFirstBadByteOfAHeaderIsReported() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-Data: \u0001\u0002\u0003\r\n\r\n");
        assertEquals(1, h.headerProblems().size());
        assertTrue(h.headerProblems().get(0).contains("0x01"));
    }

    @Test
    void bytesAfterTheEmptyLineAreNotParsed() {
        byte[] b = Bytes.of("HTTP/1.1 200 \r\nContent-Length: 20\r\n\r\nBad Name: \u0001body\r\n");
        HeaderBlock h = HeaderBlock.parse(b, b.length, b.length);
        assertEquals(List.of(), h.headerProblems());
        assertEquals(1, h.headerCount());
    }

    // ---- framing ----------------------------------------------------------------------------

    @Test
    void contentLengthWithTransferEncoding() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertEquals(1, h.framingProblems().size(), h.framingProblems().toString());
        assertTrue(h.framingProblems().get(0).contains("Content-Length sent together with Transfer-Encoding"));
        assertTrue(h.chunked());
        assertEquals(List.of(), h.headerProblems());
    }

    @Test
    void differingContentLengths() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\n");
        assertEquals(1, h.framingProblems().size());
        assertTrue(h.framingProblems().get(0).contains("2 Content-Length headers with differing values"),
                h.framingProblems().get(0));
        assertEquals(5, h.contentLength());
    }

    @Test
    void differingValuesInOneContentLengthList() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nContent-Length: 5, 6\r\n\r\n");
        assertFalse(h.framingProblems().isEmpty());
    }

    @Test
    void repeatedEqualContentLengthsAreAccepted() {
        assertEquals(List.of(), parse("HTTP/1.1 200 \r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n").framingProblems());
        HeaderBlock list = parse("HTTP/1.1 200 \r\nContent-Length: 7, 7\r\n\r\n");
        assertEquals(List.of(), list.framingProblems());
        assertEquals(7, list.contentLength());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "5a", "0x10", "", "1.5", "+5", "1234567890123456789"})
    void nonNumericContentLength(String value) {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nContent-Length: " + value + "\r\n\r\n");
        assertEquals(1, h.framingProblems().size(), value + " " + h.framingProblems());
        assertTrue(h.framingProblems().get(0).contains("is not a number"), h.framingProblems().get(0));
        assertEquals(-1, h.contentLength());
    }

    @Test
    void contentLengthValueIsNotQuotedInTheProblem() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nContent-Length: SECRETVALUE\r\n\r\n");
        assertTrue(h.framingProblems().get(0).contains("11 characters"), h.framingProblems().get(0));
        assertNoneContains(h.framingProblems(), "SECRETVALUE");
    }

    @Test
    void transferEncodingOtherThanChunked() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nTransfer-Encoding: gzip\r\n\r\n");
        assertEquals(1, h.framingProblems().size());
        assertTrue(h.framingProblems().get(0).contains("Transfer-Encoding other than chunked"));
        assertFalse(h.chunked());
        assertTrue(h.hasTransferEncoding());
    }

    @Test
    void twoTransferEncodingHeaders() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertEquals(List.of("2 Transfer-Encoding headers"), h.framingProblems());
    }

    @Test
    void chunkedIsCaseInsensitive() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\ntransfer-encoding:  Chunked \r\n\r\n");
        assertTrue(h.chunked());
        assertEquals(List.of(), h.framingProblems());
        assertEquals(-1, h.contentLength());
    }

    @Test
    void connectionClose() {
        assertTrue(parse("HTTP/1.1 200 \r\nConnection: Close\r\n\r\n").connectionClose());
        assertFalse(parse("HTTP/1.1 200 \r\nConnection: keep-alive\r\n\r\n").connectionClose());
    }

    // ---- sizes and counts -------------------------------------------------------------------

    @Test
    void setCookieCountAndBytes() {
        String c1 = "Set-Cookie: a=1";
        String c2 = "set-cookie: bb=22; Path=/; HttpOnly";
        String c3 = "SET-COOKIE: ccc=333";
        HeaderBlock h = parse("HTTP/1.1 200 \r\n" + c1 + "\r\nX-Other: 1\r\n" + c2 + "\r\n" + c3 + "\r\n\r\n");
        assertEquals(3, h.setCookieCount());
        assertEquals(c1.length() + 2 + c2.length() + 2 + c3.length() + 2, h.setCookieBytes());
        assertEquals(4, h.headerCount());
    }

    @Test
    void largestHeader() {
        String big = "X-Big: " + "v".repeat(500);
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-Small: 1\r\n" + big + "\r\nX-Medium: " + "m".repeat(100) + "\r\n\r\n");
        assertEquals("X-Big", h.largestHeaderName());
        assertEquals(big.length() + 2, h.largestHeaderBytes());
    }

    @Test
    void aRefilledBlockNamesItsOwnLargestHeaderAndAVeryLongNameIsKeptCut() {
        HeaderBlock h = parse("HTTP/1.1 200 \r\nX-Big: " + "v".repeat(500) + "\r\n\r\n");
        byte[] next = Bytes.of("HTTP/1.1 200 \r\nX-A: 1\r\nContent-Type: text/plain\r\n\r\n");
        h.fill(next, 0, next.length, next.length);
        assertEquals("Content-Type", h.largestHeaderName(), "asked for after the refill");
        String longName = "X-" + "n".repeat(298);
        byte[] third = Bytes.of("HTTP/1.1 200 \r\n" + longName + ": 1\r\n\r\n");
        h.fill(third, 0, third.length, third.length);
        assertEquals(longName.substring(0, 256), h.largestHeaderName());
        byte[] none = Bytes.of("HTTP/1.1 204 \r\n\r\n");
        h.fill(none, 0, none.length, none.length);
        assertEquals("", h.largestHeaderName());
    }

    @Test
    void totalBytesIsWhatTheCallerCounted() {
        byte[] b = Bytes.of("HTTP/1.1 200 \r\nX-A: 1\r\n\r\n");
        HeaderBlock h = HeaderBlock.parse(b, b.length, 300_000);
        assertEquals(300_000, h.totalBytes());
        assertEquals(200, h.status());
    }

    @Test
    void onlyTheFirstLenBytesAreRead() {
        byte[] b = Bytes.of("HTTP/1.1 200 \r\nX-A: 1\r\nBad Name: \u0001\r\n\r\n");
        int len = "HTTP/1.1 200 \r\nX-A: 1\r\n".length();
        HeaderBlock h = HeaderBlock.parse(b, len, b.length);
        assertEquals(1, h.headerCount());
        assertEquals(List.of(), h.headerProblems());
    }
}
