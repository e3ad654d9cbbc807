package dev.cf520.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client that judges the wire itself: it sends a request over a plain socket and keeps every
 * byte that came back, how the connection ended, and a minimal reading of status, headers and body.
 */
final class RawHttp {
    private RawHttp() {
    }

    static final class Response {
        final byte[] bytes;
        final String ending; // "closed", "reset", "timeout"
        final int headEnd; // index after the empty line, or -1
        final String statusLine;
        final Map<String, String> headers = new LinkedHashMap<>();
        final int headerCount;

        Response(byte[] bytes, String ending) {
            this.bytes = bytes;
            this.ending = ending;
            String all = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = all.indexOf("\r\n\r\n");
            this.headEnd = end < 0 ? -1 : end + 4;
            String head = end < 0 ? all : all.substring(0, end);
            String[] lines = head.split("\r\n", -1);
            this.statusLine = bytes.length == 0 ? null : lines[0];
            int count = 0;
            for (int i = 1; i < lines.length && end >= 0; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.merge(lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim(), (a, b) -> a + "," + b);
                }
                count++;
            }
            this.headerCount = count;
        }

        int status() {
            if (statusLine == null) {
                return -1;
            }
            String[] p = statusLine.split(" ");
            try {
                return p.length > 1 ? Integer.parseInt(p[1]) : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        int bodyBytes() {
            return headEnd < 0 ? 0 : bytes.length - headEnd;
        }

        int headBytes() {
            return headEnd < 0 ? bytes.length : headEnd;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean endsWithLastChunk() {
            return new String(bytes, StandardCharsets.ISO_8859_1).endsWith("0\r\n\r\n");
        }

        /** Content bytes: the body, with chunk framing removed when chunked (partial chunks counted as received). */
        int payloadBytes() {
            String te = header("transfer-encoding");
            if (te == null || !te.equalsIgnoreCase("chunked")) {
                return bodyBytes();
            }
            int i = headEnd;
            if (i < bytes.length && Character.digit(bytes[i], 16) < 0) {
                return bodyBytes(); // not chunked at all, whatever the header says: the framing means nothing
            }
            int total = 0;
            while (i < bytes.length) {
                int lineEnd = indexOf(bytes, i, (byte) '\n');
                if (lineEnd < 0) {
                    break;
                }
                String sizeLine = new String(bytes, i, lineEnd - i, StandardCharsets.ISO_8859_1).trim();
                int size;
                try {
                    size = Integer.parseInt(sizeLine.split(";")[0], 16);
                } catch (NumberFormatException e) {
                    break;
                }
                if (size == 0) {
                    break;
                }
                int start = lineEnd + 1;
                total += Math.min(size, bytes.length - start);
                i = start + size + 2;
            }
            return total;
        }

        private static int indexOf(byte[] b, int from, byte c) {
            for (int i = from; i < b.length; i++) {
                if (b[i] == c) {
                    return i;
                }
            }
            return -1;
        }

        String head() {
            return new String(bytes, 0, headBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** One request on a fresh connection; reads until the origin closes or {@code idleMillis} pass without a byte. */
    static Response get(int port, String path, Map<String, String> headers, int idleMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(idleMillis);
            send(s.getOutputStream(), port, "GET", path, headers);
            return read(s.getInputStream());
        }
    }

    static void send(OutputStream out, int port, String method, String path, Map<String, String> headers)
            throws IOException {
        StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        Response head = null; // parsed once the header block is in
        String ending;
        while (true) {
            try {
                int n = in.read(buf);
                if (n < 0) {
                    ending = "closed";
                    break;
                }
                got.write(buf, 0, n);
                if (head == null || head.headEnd < 0) {
                    head = new Response(got.toByteArray(), "open");
                }
                if (head.headEnd >= 0 && complete(head, got)) {
                    ending = "open";
                    break;
                }
            } catch (SocketTimeoutException e) {
                ending = "timeout";
                break;
            } catch (SocketException e) {
                ending = "reset";
                break;
            }
        }
        return new Response(got.toByteArray(), ending);
    }

    /** The response reached its declared end, so a keep-alive connection need not be waited on. */
    private static boolean complete(Response head, ByteArrayOutputStream got) {
        int s = head.status();
        if ((s >= 100 && s < 200) || s == 204 || s == 304) {
            return true;
        }
        String te = head.header("transfer-encoding");
        String cl = head.header("content-length");
        if (te != null) {
            if (!te.equalsIgnoreCase("chunked") || got.size() < 5) {
                return false;
            }
            byte[] all = got.toByteArray();
            return new String(all, all.length - 5, 5, StandardCharsets.ISO_8859_1).equals("0\r\n\r\n");
        }
        if (cl != null && cl.matches("\\d+")) {
            return got.size() - head.headEnd >= Long.parseLong(cl);
        }
        return false;
    }
}
