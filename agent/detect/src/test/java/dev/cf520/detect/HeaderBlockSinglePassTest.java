package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The single-pass read of plain header lines against the general line-by-line read: every field a rule or a span
 * reads must come out the same, for header blocks built from plain lines and every kind of broken one, mixed.
 */
class HeaderBlockSinglePassTest {

    private static final String[] NAMES = {"Content-Length", "content-length", "CONTENT-LENGTH", "Transfer-Encoding",
        "transfer-encoding", "Connection", "connection", "Set-Cookie", "set-cookie", "Content-Type", "Date", "X-A",
        "x-very-long-header-name-with-dashes-and-digits-0123456789", "Vary", "ETag", "!#$%&'*+-.^_`|~", "Content-Lengths",
        "Set-Cookies"};
    private static final String[] VALUES = {"0", "5", "12345", "chunked", "Chunked", "gzip, chunked", "close",
        "keep-alive, Close", "text/plain; charset=UTF-8", "", " ", "\t", "  spaced  ", "\tx\t", "a=b; Path=/; HttpOnly",
        "5, 5", "5, 6", "-1", "99999999999999999999", "caf\u00e9", "\u00ff\u0080", "x".repeat(300), "1 2"};
    private static final String[] BROKEN = {"Bad Name: x", "Bad\u0000Name: x", "Caf\u00e9: x", ": empty name",
        "no colon here", " folded continuation", "\tfolded tab", "X-Ctl: a\u0001b", "X-Del: a\u007fb",
        "X-CR: a\rb", "X-Nul: \u0000", "Content-Length: 5\u0000"};

    @Test
    void sameFieldsAsTheLineByLineRead() {
        Random random = new Random(20261207);
        int plainLines = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] block = block(random);
            int len = random.nextInt(8) == 0 ? random.nextInt(block.length + 1) : block.length; // some cut short
            HeaderBlock fast = HeaderBlock.parse(block, 0, len, block.length);
            HeaderBlock general = HeaderBlock.parseLineByLine(block, 0, len, block.length);
            assertEquals(fields(general), fields(fast), () -> "block: " + printable(block, len));
            plainLines += fast.headerCount();
        }
        assertTrue(plainLines > 50_000, "the blocks held too few header lines to compare: " + plainLines);
    }

    @Test
    void readsInPlaceAtAnOffset() {
        byte[] block = ("junk before HTTP/1.1 200 OK\r\nContent-Length: 7\r\nSet-Cookie: a=b\r\nX: y\r\n\r\nbody")
                .getBytes(StandardCharsets.ISO_8859_1);
        int off = "junk before ".length();
        int len = block.length - off - "body".length();
        HeaderBlock fast = HeaderBlock.parse(block, off, len, len);
        assertEquals(fields(HeaderBlock.parseLineByLine(block, off, len, len)), fields(fast));
        assertEquals(7, fast.contentLength());
        assertEquals(3, fast.headerCount());
        assertEquals(1, fast.setCookieCount());
        assertEquals("Content-Length", fast.largestHeaderName());
    }

    private static byte[] block(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] status = {"HTTP/1.1 200 \r\n", "HTTP/1.1 200 OK\r\n", "HTTP/1.0 404 Not Found\r\n", "HTTP/1.1 100 \r\n",
            "HTTP/1.1 2000\r\n", "HTTP/1.1 204 No Content\n"};
        write(out, status[random.nextInt(status.length)]);
        int lines = random.nextInt(12);
        for (int i = 0; i < lines; i++) {
            int kind = random.nextInt(10);
            String line = kind == 0 ? BROKEN[random.nextInt(BROKEN.length)]
                    : NAMES[random.nextInt(NAMES.length)] + (random.nextBoolean() ? ": " : ":")
                    + VALUES[random.nextInt(VALUES.length)];
            String end = random.nextInt(25) == 0 ? "\n" : random.nextInt(40) == 0 ? "\r\r\n" : "\r\n";
            write(out, line + end);
        }
        write(out, random.nextInt(30) == 0 ? "\n" : "\r\n");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
    }

    private static List<Object> fields(HeaderBlock h) {
        return Arrays.asList(h.status(), h.statusText(), h.version(), h.validStatus(), h.interim(), h.totalBytes(),
                h.headerCount(), h.headerProblems(), h.framingProblems(), h.contentLength(), h.chunked(),
                h.hasTransferEncoding(), h.connectionClose(), h.largestHeaderName(), h.largestHeaderBytes(),
                h.setCookieCount(), h.setCookieBytes());
    }

    private static String printable(byte[] b, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int c = b[i] & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
