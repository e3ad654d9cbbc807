package dev.cf520.detect;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Follows the bytes of one HTTP/1.x response as the container hands them to the socket: the
 * header block(s), then the body according to the framing the final header block declares.
 * It never copies the body; it keeps the header block (up to a cap) and counters.
 */
public final class ResponseWire {

    /** How the body of the final header block is delimited. */
    public enum Framing { NONE, LENGTH, CHUNKED, CLOSE }

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_EXT, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF, TRAILER, DONE, CLOSE, UPGRADED }

    // every field but block is set by reset(): a wire is recycled from one exchange to the next (WirePool)
    private boolean headRequest;
    private int keepHeadBytes;

    private State state;
    private byte[] head; // only for a header block that spans several writes
    private int headKept;
    private int headTotal;
    private int lineLength; // bytes of the current header line, CR excluded
    private final HeaderBlock block = new HeaderBlock(); // each header block is parsed into it in turn
    private HeaderBlock finalHead;
    private int interimCount;

    private Framing framing;
    private long declared;
    private long remaining;
    private long bodyBytes;
    private long payloadBytes;
    private long excessBytes;
    private boolean complete;
    private String chunkError;
    private int chunkSizeDigits;
    private boolean trailerLineEmpty;

    /**
     * @param headRequest   a response to HEAD carries no body whatever its headers say
     * @param keepHeadBytes header bytes kept for parsing; a larger block is counted, not kept
     */
    public ResponseWire(boolean headRequest, int keepHeadBytes) {
        reset(headRequest, keepHeadBytes);
    }

    /** Forgets everything followed so far: this wire is then as a new one for another response. */
    ResponseWire reset(boolean headRequest, int keepHeadBytes) {
        this.headRequest = headRequest;
        this.keepHeadBytes = keepHeadBytes;
        state = State.HEAD;
        head = null;
        headKept = 0;
        headTotal = 0;
        lineLength = 0;
        finalHead = null;
        interimCount = 0;
        framing = Framing.NONE;
        declared = -1;
        remaining = 0;
        bodyBytes = 0;
        payloadBytes = 0;
        excessBytes = 0;
        complete = false;
        chunkError = null;
        chunkSizeDigits = 0;
        trailerLineEmpty = true;
        return this;
    }

    /**
     * Direct buffers (Jetty's and Undertow's pools) are read through this per-thread array, so that
     * following a response allocates nothing per write.
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[2048]);

    /** Reads {@code b}'s remaining bytes without moving its position. */
    public void feed(ByteBuffer b) {
        if (b.hasArray()) {
            feed(b.array(), b.arrayOffset() + b.position(), b.remaining());
            return;
        }
        int i = b.position();
        int end = b.limit();
        while (i < end) {
            int used = skip(end - i); // body bytes are counted, never read
            if (used == 0 && state == State.HEAD) {
                byte[] scratch = SCRATCH.get();
                int n = Math.min(scratch.length, end - i);
                for (int k = 0; k < n; k++) {
                    scratch[k] = b.get(i + k); // absolute reads: b's position never moves
                }
                used = head(scratch, 0, n);
            } else if (used == 0 && isFraming()) {
                chunkFraming(b.get(i));
                bodyBytes++;
                used = 1;
            }
            if (used == 0) {
                return; // no state consumes bytes without progress; never spin
            }
            i += used;
        }
    }

    public void feed(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int used = skip(end - i);
            if (used == 0 && state == State.HEAD) {
                used = head(b, i, end) - i;
            } else if (used == 0 && isFraming()) {
                chunkFraming(b[i]);
                bodyBytes++;
                used = 1;
            }
            if (used == 0) {
                return;
            }
            i += used;
        }
    }

    /**
     * {@code n} bytes of body that went to the socket unseen (a file sent by transferTo): counted as the
     * body's framing says. Only body bytes can be counted unseen: in any other state they are left out.
     */
    public void feedUnseen(long n) {
        while (n > 0) {
            int used = skip((int) Math.min(n, Integer.MAX_VALUE));
            if (used == 0) {
                return;
            }
            n -= used;
        }
    }

    /** Consumes up to {@code available} bytes a body state counts without reading; 0 in other states. */
    private int skip(int available) {
        switch (state) {
            case LENGTH:
            case CHUNK_DATA: {
                int n = (int) Math.min(remaining, available);
                bodyBytes += n;
                payloadBytes += n;
                remaining -= n;
                if (remaining == 0) {
                    if (state == State.LENGTH) {
                        done();
                    } else {
                        state = State.CHUNK_DATA_CR;
                    }
                }
                return n;
            }
            case CLOSE:
            case UPGRADED:
                bodyBytes += available;
                payloadBytes += available;
                return available;
            case DONE:
                excessBytes += available;
                return available;
            default:
                return 0;
        }
    }

    private boolean isFraming() {
        return state == State.CHUNK_SIZE || state == State.CHUNK_EXT || state == State.CHUNK_DATA_CR
                || state == State.CHUNK_DATA_LF || state == State.TRAILER;
    }

    private int head(byte[] b, int i, int end) {
        if (headTotal == 0) {
            // the usual case: the whole block in one write, read in place without copying it, in the pass that
            // finds its end
            int blockEnd = block.fillInPlace(b, i, end - i > keepHeadBytes ? i + keepHeadBytes : end);
            if (blockEnd > 0) {
                headTotal = blockEnd - i;
                endOfHead(block);
                return blockEnd;
            }
            blockEnd = endOfBlock(b, i, end); // a block past the bytes kept, an edge case of the end rule, or split
            if (blockEnd > 0) {
                headTotal = blockEnd - i;
                endOfHead(b, i, Math.min(headTotal, keepHeadBytes));
                return blockEnd;
            }
        }
        while (i < end) {
            byte c = b[i++];
            keep(c);
            if (c == '\n') {
                if (lineLength == 0 && headTotal > 2) {
                    endOfHead(head, 0, headKept);
                    return i;
                }
                lineLength = 0;
            } else if (c != '\r') {
                lineLength++;
            }
        }
        return i;
    }

    /** The index after the empty line ending a header block that starts at {@code from}, or -1 when it does not end before {@code end}. */
    private static int endOfBlock(byte[] b, int from, int end) {
        int lineLen = 0;
        for (int i = from; i < end; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (lineLen == 0 && i - from + 1 > 2) {
                    return i + 1;
                }
                lineLen = 0;
            } else if (c != '\r') {
                lineLen++;
            }
        }
        return -1;
    }

    private void keep(byte c) {
        headTotal++;
        if (headKept < keepHeadBytes) {
            if (head == null) {
                head = new byte[1024];
            } else if (headKept == head.length) {
                head = Arrays.copyOf(head, Math.min(keepHeadBytes, head.length * 2));
            }
            head[headKept++] = c;
        }
    }

    private void endOfHead(byte[] b, int off, int len) {
        endOfHead(block.fill(b, off, len, headTotal));
    }

    /** {@code h}, this wire's block, holds the header block that just ended (an interim one is counted, then overwritten). */
    private void endOfHead(HeaderBlock h) {
        headKept = 0;
        headTotal = 0;
        lineLength = 0;
        if (h.interim()) {
            interimCount++;
            return;
        }
        finalHead = h;
        head = null;
        int s = h.status();
        if (s == 101) {
            state = State.UPGRADED;
            framing = Framing.CLOSE;
            complete = true;
        } else if (headRequest || s == 204 || s == 304 || (s >= 100 && s < 200)) {
            framing = Framing.NONE;
            done();
        } else if (h.hasTransferEncoding()) {
            framing = h.chunked() ? Framing.CHUNKED : Framing.CLOSE;
            state = h.chunked() ? State.CHUNK_SIZE : State.CLOSE;
        } else if (h.contentLength() >= 0) {
            framing = Framing.LENGTH;
            declared = h.contentLength();
            remaining = declared;
            if (declared == 0) {
                done();
            } else {
                state = State.LENGTH;
            }
        } else {
            framing = Framing.CLOSE;
            state = State.CLOSE;
        }
    }

    private void chunkFraming(byte c) {
        switch (state) {
            case CHUNK_SIZE: {
                int d = Character.digit(c, 16);
                if (d >= 0 && chunkSizeDigits < 15) {
                    remaining = remaining * 16 + d;
                    chunkSizeDigits++;
                } else if (chunkSizeDigits > 0 && (c == ';' || c == ' ' || c == '\t')) {
                    state = State.CHUNK_EXT;
                } else if (chunkSizeDigits > 0 && c == '\r') {
                    state = State.CHUNK_EXT;
                } else if (chunkSizeDigits > 0 && c == '\n') {
                    endOfChunkSize();
                } else {
                    chunkError("invalid chunk size byte 0x" + String.format("%02x", c & 0xff));
                }
                break;
            }
            case CHUNK_EXT:
                if (c == '\n') {
                    endOfChunkSize();
                }
                break;
            case CHUNK_DATA_CR:
                if (c == '\r') {
                    state = State.CHUNK_DATA_LF;
                } else if (c == '\n') {
                    nextChunk();
                } else {
                    chunkError("chunk data not followed by CRLF");
                }
                break;
            case CHUNK_DATA_LF:
                if (c == '\n') {
                    nextChunk();
                } else {
                    chunkError("chunk data not followed by CRLF");
                }
                break;
            case TRAILER:
                if (c == '\n') {
                    if (trailerLineEmpty) {
                        done();
                    }
                    trailerLineEmpty = true;
                } else if (c != '\r') {
                    trailerLineEmpty = false;
                }
                break;
            default:
                break;
        }
    }

    private void endOfChunkSize() {
        chunkSizeDigits = 0;
        if (remaining == 0) {
            state = State.TRAILER;
            trailerLineEmpty = true;
        } else {
            state = State.CHUNK_DATA;
        }
    }

    private void nextChunk() {
        remaining = 0;
        chunkSizeDigits = 0;
        state = State.CHUNK_SIZE;
    }

    private void chunkError(String what) {
        if (chunkError == null) {
            chunkError = what + " at body byte " + bodyBytes;
        }
        // the framing is meaningless from here: every body byte, this one included, counts as content
        payloadBytes = bodyBytes + 1;
        state = State.CLOSE;
    }

    private void done() {
        complete = true;
        state = State.DONE;
    }

    /**
     * {@code n} body bytes went out by a path that bypasses the socket writes cf520 reads: Tomcat's
     * sendfile hands a static file to the kernel. They are counted, their content is not seen.
     */
    public void bodyWrittenElsewhere(long n) {
        if (state == State.LENGTH) {
            long k = Math.min(n, remaining);
            bodyBytes += k;
            payloadBytes += k;
            remaining -= k;
            if (remaining == 0) {
                done();
            }
        } else if (state == State.CLOSE) {
            bodyBytes += n;
            payloadBytes += n;
        }
    }

    /** The final (non-1xx) header block, or null while none has been written completely. */
    public HeaderBlock finalHead() {
        return finalHead;
    }

    /** Bytes of a header block that has started but not ended. */
    public int partialHeadBytes() {
        return finalHead == null ? headTotal : 0;
    }

    public int interimCount() {
        return interimCount;
    }

    public Framing framing() {
        return framing;
    }

    /** Declared Content-Length, or -1. */
    public long declaredLength() {
        return declared;
    }

    /** Body bytes on the wire, chunk framing included. */
    public long bodyBytes() {
        return bodyBytes;
    }

    /** Body content bytes (chunk framing excluded). */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** Bytes written after the declared end of the message. */
    public long excessBytes() {
        return excessBytes;
    }

    /**
     * The body reached its declared end (length reached, last chunk written, or no body due).
     * A close-delimited body is complete only when the connection closes, which the caller knows.
     */
    public boolean complete() {
        return complete;
    }

    /** First chunked-framing error, or null. */
    public String chunkError() {
        return chunkError;
    }
}
