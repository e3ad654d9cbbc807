package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ResponseWireTest {

    private static final int KEEP = 256 * 1024;

    /** Everything observable about a wire, as one comparable string. */
    private static String outcome(ResponseWire w) {
        HeaderBlock h = w.finalHead();
        return "status=" + (h == null ? "none" : h.status() + "/" + h.totalBytes() + "/" + h.headerCount()
                + "/" + h.headerProblems() + "/" + h.framingProblems())
                + " partial=" + w.partialHeadBytes()
                + " interim=" + w.interimCount()
                + " framing=" + w.framing()
                + " declared=" + w.declaredLength()
                + " body=" + w.bodyBytes()
                + " payload=" + w.payloadBytes()
                + " excess=" + w.excessBytes()
                + " complete=" + w.complete()
                + " chunkError=" + w.chunkError();
    }

    /**
     * Feeds the response in one piece, then split in two at every position, then byte by byte,
     * and asserts the outcome never depends on how the container cut its writes.
     */
    private static ResponseWire feedEveryWay(boolean headRequest, String response) {
        return feedEveryWay(headRequest, Bytes.of(response));
    }

    private static ResponseWire feedEveryWay(boolean headRequest, byte[] b) {
        ResponseWire whole = new ResponseWire(headRequest, KEEP);
        whole.feed(b, 0, b.length);
        String expected = outcome(whole);
        for (int cut = 0; cut <= b.length; cut++) {
            ResponseWire split = new ResponseWire(headRequest, KEEP);
            split.feed(b, 0, cut);
            split.feed(b, cut, b.length - cut);
            assertEquals(expected, outcome(split), "split at " + cut);
        }
        ResponseWire single = new ResponseWire(headRequest, KEEP);
        for (int i = 0; i < b.length; i++) {
            single.feed(b, i, 1);
        }
        assertEquals(expected, outcome(single), "byte by byte");
        // with an array offset: the bytes sit in the middle of a larger array
        byte[] padded = new byte[b.length + 10];
        System.arraycopy(b, 0, padded, 7, b.length);
        ResponseWire offset = new ResponseWire(headRequest, KEEP);
        offset.feed(padded, 7, b.length);
        assertEquals(expected, outcome(offset), "array offset");
        // through direct buffers, as Jetty and Undertow write: whole, then split in two at every position
        ResponseWire direct = new ResponseWire(headRequest, KEEP);
        direct.feed(direct(b, 0, b.length));
        assertEquals(expected, outcome(direct), "direct buffer");
        for (int cut = 0; cut <= b.length; cut++) {
            ResponseWire split = new ResponseWire(headRequest, KEEP);
            split.feed(direct(b, 0, cut));
            split.feed(direct(b, cut, b.length - cut));
            assertEquals(expected, outcome(split), "direct buffers split at " + cut);
        }
        return whole;
    }

    private static ByteBuffer direct(byte[] b, int off, int len) {
        ByteBuffer d = ByteBuffer.allocateDirect(len);
        d.put(b, off, len).flip();
        return d;
    }

    @Test
    void bodyBytesSentUnseenCountAsTheFramingSays() {
        ResponseWire w = new ResponseWire(false, KEEP);
        byte[] head = Bytes.of("HTTP/1.1 200 \r\nContent-Length: 100000\r\n\r\n");
        w.feed(head, 0, head.length);
        w.feedUnseen(60_000);
        assertFalse(w.complete());
        w.feedUnseen(40_000);
        assertTrue(w.complete());
        assertEquals(100_000, w.payloadBytes());

        ResponseWire chunked = new ResponseWire(false, KEEP);
        byte[] h2 = Bytes.of("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n2710\r\n");
        chunked.feed(h2, 0, h2.length);
        chunked.feedUnseen(10_000); // the chunk's data, by transferTo
        byte[] end = Bytes.of("\r\n0\r\n\r\n");
        chunked.feed(end, 0, end.length);
        assertTrue(chunked.complete());
        assertEquals(10_000, chunked.payloadBytes());

        ResponseWire early = new ResponseWire(false, KEEP);
        early.feedUnseen(10); // before any header block: nothing can be counted
        assertNull(early.finalHead());
        assertEquals(0, early.bodyBytes());
    }

    /**
     * Where a block ends when its last line is odd: the block read in place in one write (where its end is found in
     * the parse) must end and judge as the block followed byte by byte does.
     */
    @Test
    void oddBlockEndsAreFoundAlikeInPlaceAndByteByByte() {
        String[] responses = {
            "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\r\nok", // a line of two CRs ends the block
            "HTTP/1.1 200 \r\nContent-Length: 2\r\n\nok", // an empty line without its CR
            "\n\nHTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok", // two LFs first: no end before 3 bytes
            "\r\nHTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok", // a leading CRLF, read as the status line
            "\r\r\nContent-Length: 2\r\n\r\nok", // the first line, all CRs: a block of its own
            "HTTP/1.1 200 \r\nX-A: 1\r\n \r\nContent-Length: 2\r\n\r\nok", // a line of one space: not empty
            "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\n\r\nok", // a CRLF after the end is body
        };
        for (String r : responses) {
            ResponseWire w = feedEveryWay(false, r);
            assertNotNull(w.finalHead(), r);
        }
        ResponseWire crcr = feedEveryWay(false, responses[0]);
        assertEquals(1, crcr.finalHead().headerProblems().size(), "the CR line is judged: " + crcr.finalHead().headerProblems());
        assertTrue(crcr.complete());
    }

    @Test
    void headerBlockLargerThanTheDirectScratchArray() {
        String cookie = "Set-Cookie: a=" + "c".repeat(3000) + "\r\n";
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\n" + cookie + cookie + "Content-Length: 3\r\n\r\nabc");
        assertTrue(w.complete());
        assertEquals(2, w.finalHead().setCookieCount());
        assertEquals("Set-Cookie", w.finalHead().largestHeaderName());
    }

    // ---- Content-Length ---------------------------------------------------------------------

    @Test
    void contentLengthComplete() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(200, w.finalHead().status());
        assertEquals(ResponseWire.Framing.LENGTH, w.framing());
        assertEquals(5, w.declaredLength());
        assertEquals(5, w.payloadBytes());
        assertEquals(5, w.bodyBytes());
        assertEquals(0, w.excessBytes());
        assertTrue(w.complete());
        assertNull(w.chunkError());
        assertEquals(0, w.partialHeadBytes());
        assertEquals(0, w.interimCount());
    }

    @Test
    void contentLengthShort() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nContent-Length: 10\r\n\r\nhello");
        assertFalse(w.complete());
        assertEquals(5, w.payloadBytes());
        assertEquals(10, w.declaredLength());
        assertEquals(0, w.excessBytes());
    }

    @Test
    void contentLengthExcess() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nContent-Length: 5\r\n\r\nhello world");
        assertTrue(w.complete());
        assertEquals(5, w.payloadBytes());
        assertEquals(6, w.excessBytes());
    }

    @Test
    void contentLengthZero() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n");
        assertTrue(w.complete());
        assertEquals(ResponseWire.Framing.LENGTH, w.framing());
        assertEquals(0, w.payloadBytes());
    }

    @Test
    void headerTotalCountsTheWholeBlock() {
        String head = "HTTP/1.1 200 \r\nContent-Length: 2\r\nX-A: 1\r\n\r\n";
        ResponseWire w = feedEveryWay(false, head + "ok");
        assertEquals(head.length(), w.finalHead().totalBytes());
        assertEquals(2, w.finalHead().headerCount());
    }

    // ---- chunked ----------------------------------------------------------------------------

    @Test
    void chunkedComplete() {
        String body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n" + body);
        assertEquals(ResponseWire.Framing.CHUNKED, w.framing());
        assertTrue(w.complete());
        assertEquals(11, w.payloadBytes());
        assertEquals(body.length(), w.bodyBytes());
        assertEquals(0, w.excessBytes());
        assertNull(w.chunkError());
        assertEquals(-1, w.declaredLength());
    }

    @Test
    void chunkedWithoutLastChunk() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        assertFalse(w.complete());
        assertEquals(5, w.payloadBytes());
        assertNull(w.chunkError());
    }

    @Test
    void chunkedLastChunkWithoutFinalCrlf() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n");
        assertFalse(w.complete());
        assertEquals(5, w.payloadBytes());
    }

    @Test
    void chunkedCutInsideChunkData() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456");
        assertFalse(w.complete());
        assertEquals(7, w.payloadBytes());
    }

    @Test
    void chunkedWithTrailers() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\nX-Checksum: 1234\r\nX-Other: 5\r\n\r\n");
        assertTrue(w.complete());
        assertEquals(3, w.payloadBytes());
        assertEquals(0, w.excessBytes());
    }

    @Test
    void chunkedTrailerWithoutEmptyLineIsIncomplete() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\nX-Checksum: 1234\r\n");
        assertFalse(w.complete());
    }

    @Test
    void chunkExtensions() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n3 ; x=\"y\"\r\nabc\r\n0;last\r\n\r\n");
        assertTrue(w.complete());
        assertEquals(8, w.payloadBytes());
        assertNull(w.chunkError());
    }

    @Test
    void chunkSizesInHexEitherCase() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "A\r\n0123456789\r\nb\r\n0123456789a\r\n000\r\n\r\n");
        assertTrue(w.complete());
        assertEquals(21, w.payloadBytes());
    }

    @Test
    void bareLfChunkFramingIsTolerated() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\nabc\n0\n\n");
        assertTrue(w.complete());
        assertEquals(3, w.payloadBytes());
    }

    @Test
    void bytesAfterLastChunkAreExcess() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\nextra");
        assertTrue(w.complete());
        assertEquals(5, w.excessBytes());
    }

    @Test
    void transferEncodingWinsOverContentLength() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\n");
        assertEquals(ResponseWire.Framing.CHUNKED, w.framing());
        assertTrue(w.complete());
        assertFalse(w.finalHead().framingProblems().isEmpty());
    }

    @Test
    void invalidChunkSize() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        assertNotNull(w.chunkError());
        assertTrue(w.chunkError().contains("invalid chunk size byte 0x7a"), w.chunkError());
        assertTrue(w.chunkError().contains("at body byte 0"), w.chunkError());
        assertFalse(w.complete());
        assertEquals("zz\r\nhello\r\n0\r\n\r\n".length(), w.bodyBytes(), "every byte after the head is counted");
        assertEquals(0, w.excessBytes(), "after a framing error the rest runs to the close");
    }

    @Test
    void emptyChunkSizeLine() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n\r\n");
        assertNotNull(w.chunkError());
        assertTrue(w.chunkError().contains("at body byte 8"), w.chunkError());
        assertFalse(w.complete());
    }

    @Test
    void chunkDataNotFollowedByCrlf() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n");
        assertEquals("chunk data not followed by CRLF at body byte 6", w.chunkError());
        assertFalse(w.complete());
    }

    @Test
    void absurdChunkSizeIsAnError() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
                + "fffffffffffffffff\r\n");
        assertNotNull(w.chunkError());
    }

    // ---- responses without a body ------------------------------------------------------------

    @Test
    void headResponseHasNoBodyWhateverContentLengthSays() {
        ResponseWire w = feedEveryWay(true, "HTTP/1.1 200 \r\nContent-Length: 1234\r\n\r\n");
        assertTrue(w.complete());
        assertEquals(ResponseWire.Framing.NONE, w.framing());
        assertEquals(0, w.payloadBytes());
        assertEquals(0, w.excessBytes());
    }

    @Test
    void headResponseWithChunkedHeaderHasNoBody() {
        ResponseWire w = feedEveryWay(true, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n");
        assertTrue(w.complete());
        assertEquals(ResponseWire.Framing.NONE, w.framing());
    }

    @Test
    void bodyOnAHeadResponseIsExcess() {
        ResponseWire w = feedEveryWay(true, "HTTP/1.1 200 \r\nContent-Length: 4\r\n\r\nbody");
        assertTrue(w.complete());
        assertEquals(4, w.excessBytes());
        assertEquals(0, w.payloadBytes());
    }

    @Test
    void noContent() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 204 \r\n\r\n");
        assertTrue(w.complete());
        assertEquals(ResponseWire.Framing.NONE, w.framing());
        assertEquals(204, w.finalHead().status());
    }

    @Test
    void notModifiedIgnoresContentLength() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 304 \r\nContent-Length: 5000\r\nETag: \"x\"\r\n\r\n");
        assertTrue(w.complete());
        assertEquals(ResponseWire.Framing.NONE, w.framing());
        assertEquals(0, w.excessBytes());
    }

    @Test
    void bodyAfter204IsExcess() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 204 \r\n\r\noops");
        assertEquals(4, w.excessBytes());
    }

    // ---- interim responses --------------------------------------------------------------------

    @Test
    void interimBlocksBeforeTheFinalOne() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"
                + "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        assertEquals(2, w.interimCount());
        assertEquals(200, w.finalHead().status());
        assertTrue(w.complete());
        assertEquals(2, w.payloadBytes());
        String finalBlock = "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\n";
        assertEquals(finalBlock.length(), w.finalHead().totalBytes());
    }

    @Test
    void onlyAnInterimBlockMeansNoFinalHead() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 100 Continue\r\n\r\n");
        assertEquals(1, w.interimCount());
        assertNull(w.finalHead());
        assertFalse(w.complete());
        assertEquals(0, w.partialHeadBytes());
    }

    @Test
    void switchingProtocolsPassesEverythingThrough() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n\r\n\u0081\u0005hello");
        assertEquals(101, w.finalHead().status());
        assertEquals(0, w.interimCount());
        assertTrue(w.complete());
        assertEquals(7, w.bodyBytes());
        assertEquals(0, w.excessBytes());
    }

    // ---- close-delimited and partial ----------------------------------------------------------

    @Test
    void closeDelimitedBody() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nConnection: close\r\n\r\nabcdef");
        assertEquals(ResponseWire.Framing.CLOSE, w.framing());
        assertFalse(w.complete(), "only the caller knows when the connection closed");
        assertEquals(6, w.payloadBytes());
        assertEquals(0, w.excessBytes());
    }

    @Test
    void unknownTransferEncodingIsCloseDelimited() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 \r\nTransfer-Encoding: gzip\r\n\r\nxyz");
        assertEquals(ResponseWire.Framing.CLOSE, w.framing());
        assertEquals(3, w.payloadBytes());
    }

    @Test
    void unfinishedHeaderBlock() {
        String partial = "HTTP/1.1 200 \r\nContent-Type: te";
        ResponseWire w = feedEveryWay(false, partial);
        assertNull(w.finalHead());
        assertEquals(partial.length(), w.partialHeadBytes());
        assertFalse(w.complete());
        assertEquals(ResponseWire.Framing.NONE, w.framing());
    }

    @Test
    void bareLfHeaderBlockEnds() {
        ResponseWire w = feedEveryWay(false, "HTTP/1.1 200 OK\nContent-Length: 2\n\nok");
        assertEquals(200, w.finalHead().status());
        assertTrue(w.complete());
        assertEquals(2, w.payloadBytes());
        assertFalse(w.finalHead().headerProblems().isEmpty());
    }

    @Test
    void headerBlockBeyondTheKeepLimitIsCountedNotKept() {
        StringBuilder b = new StringBuilder("HTTP/1.1 200 \r\nContent-Length: 2\r\n");
        for (int i = 0; i < 100; i++) {
            b.append("X-Pad-").append(i).append(": ").append("p".repeat(50)).append("\r\n");
        }
        b.append("\r\n");
        String head = b.toString();
        ResponseWire w = new ResponseWire(false, 1000);
        byte[] bytes = Bytes.of(head + "ok");
        w.feed(bytes, 0, bytes.length);
        assertNotNull(w.finalHead());
        assertEquals(head.length(), w.finalHead().totalBytes());
        assertTrue(w.finalHead().headerCount() < 100, "only the kept bytes are parsed");
        assertEquals(200, w.finalHead().status());
    }

    // ---- ByteBuffers --------------------------------------------------------------------------

    @Test
    void directBufferIsReadWithoutMovingIt() {
        String body = "x".repeat(2000);
        byte[] bytes = Bytes.of("HTTP/1.1 200 \r\nContent-Length: 2000\r\n\r\n" + body);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 16);
        direct.position(5);
        direct.put(bytes);
        direct.flip();
        direct.position(5);
        ResponseWire w = new ResponseWire(false, KEEP);
        w.feed(direct);
        assertEquals(5, direct.position());
        assertEquals(bytes.length + 5, direct.limit());
        assertFalse(direct.hasArray());
        assertTrue(w.complete());
        assertEquals(2000, w.payloadBytes());

        ResponseWire fromArray = new ResponseWire(false, KEEP);
        fromArray.feed(bytes, 0, bytes.length);
        assertEquals(outcome(fromArray), outcome(w));
    }

    @Test
    void directBufferInPieces() {
        byte[] bytes = Bytes.of("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        ResponseWire w = new ResponseWire(false, KEEP);
        for (int i = 0; i < bytes.length; i += 7) {
            int n = Math.min(7, bytes.length - i);
            ByteBuffer d = ByteBuffer.allocateDirect(n);
            d.put(bytes, i, n).flip();
            w.feed(d);
            assertEquals(0, d.position());
            assertEquals(n, d.remaining());
        }
        assertTrue(w.complete());
        assertEquals(3, w.payloadBytes());
    }

    @Test
    void heapSliceUsesArrayOffsetAndPosition() {
        byte[] bytes = Bytes.of("HTTP/1.1 200 \r\nContent-Length: 3\r\n\r\nabc");
        byte[] backing = new byte[bytes.length + 20];
        System.arraycopy(bytes, 0, backing, 13, bytes.length);
        ByteBuffer slice = ByteBuffer.wrap(backing, 10, bytes.length + 3).slice(); // arrayOffset 10
        slice.position(3);
        ResponseWire w = new ResponseWire(false, KEEP);
        w.feed(slice);
        assertEquals(3, slice.position());
        assertEquals(200, w.finalHead().status());
        assertTrue(w.complete());
        assertEquals(3, w.payloadBytes());
        assertEquals(0, w.excessBytes());
    }

    @Test
    void readOnlyBufferIsReadWithoutMovingIt() {
        byte[] bytes = Bytes.of("HTTP/1.1 200 \r\nContent-Length: 3\r\n\r\nabc");
        ByteBuffer ro = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        ResponseWire w = new ResponseWire(false, KEEP);
        w.feed(ro);
        assertEquals(0, ro.position());
        assertTrue(w.complete());
    }

    @Test
    void emptyBufferChangesNothing() {
        ResponseWire w = new ResponseWire(false, KEEP);
        w.feed(ByteBuffer.allocateDirect(0));
        w.feed(new byte[0], 0, 0);
        assertNull(w.finalHead());
        assertEquals(0, w.partialHeadBytes());
    }

    @Test
    void bodySentBySendfileCompletesTheDeclaredLength() {
        ResponseWire w = new ResponseWire(false, KEEP);
        byte[] head = "HTTP/1.1 200 \r\nContent-Length: 1048576\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        w.feed(head, 0, head.length);
        assertFalse(w.complete(), "only the header block went through the socket writes");
        w.bodyWrittenElsewhere(1048576);
        assertTrue(w.complete());
        assertEquals(1048576, w.payloadBytes());
        assertEquals(0, w.excessBytes());
    }

    @Test
    void aShortSendfileStillLeavesTheBodyShort() {
        ResponseWire w = new ResponseWire(false, KEEP);
        byte[] head = "HTTP/1.1 200 \r\nContent-Length: 100\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        w.feed(head, 0, head.length);
        w.bodyWrittenElsewhere(60);
        assertFalse(w.complete());
        assertEquals(60, w.payloadBytes());
    }
}
