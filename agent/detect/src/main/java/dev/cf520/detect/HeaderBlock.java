package dev.cf520.detect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One response header block exactly as it was written to the socket: status line, header lines,
 * empty line. Parsed the way a strict edge proxy reads it (RFC 9110 tokens, RFC 9112 framing),
 * so that what the container sanitised or added is judged, not what the servlet asked for.
 * Header values are never kept: only names, sizes and counts.
 */
public final class HeaderBlock {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private final int totalBytes;
    private int status = -1;
    private String statusText = "";
    private String version = "";
    private int headerCount;
    private final List<String> problems = new ArrayList<>();
    private final List<String> framingProblems = new ArrayList<>();
    private final List<String> contentLengths = new ArrayList<>();
    private final List<String> transferEncodings = new ArrayList<>();
    private boolean connectionClose;
    private String largestName = "";
    private int largestBytes;
    private int setCookieCount;
    private long setCookieBytes;

    private HeaderBlock(int totalBytes) {
        this.totalBytes = totalBytes;
    }

    /** Parses {@code len} bytes ending with the empty line; {@code totalBytes} may exceed them when the block was too large to keep. */
    public static HeaderBlock parse(byte[] b, int len, int totalBytes) {
        HeaderBlock h = new HeaderBlock(totalBytes);
        int lineStart = 0;
        int lineNo = 0;
        for (int i = 0; i < len; i++) {
            if (b[i] != '\n') {
                continue;
            }
            boolean crlf = i > lineStart && b[i - 1] == '\r';
            int lineEnd = crlf ? i - 1 : i;
            if (lineNo == 0) {
                h.statusLine(b, lineStart, lineEnd);
            } else if (lineEnd == lineStart) {
                break; // the empty line ending the block
            } else {
                h.headerLine(b, lineStart, lineEnd, lineNo);
            }
            if (!crlf) {
                h.problems.add("line " + (lineNo + 1) + " ends in a bare LF");
            }
            lineNo++;
            lineStart = i + 1;
        }
        h.checkFraming();
        return h;
    }

    private void statusLine(byte[] b, int from, int to) {
        String line = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        int sp = line.indexOf(' ');
        if (sp < 0) {
            statusText = line;
            return;
        }
        version = line.substring(0, sp);
        int sp2 = line.indexOf(' ', sp + 1);
        statusText = sp2 < 0 ? line.substring(sp + 1) : line.substring(sp + 1, sp2);
        if (statusText.length() == 3 && isDigits(statusText)) {
            status = Integer.parseInt(statusText);
        }
    }

    private void headerLine(byte[] b, int from, int to, int lineNo) {
        headerCount++;
        int lineBytes = to - from + 2;
        if (b[from] == ' ' || b[from] == '\t') {
            problems.add("line " + (lineNo + 1) + " is an obsolete folded continuation line");
            return;
        }
        int colon = -1;
        for (int i = from; i < to; i++) {
            if (b[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= from) {
            problems.add("line " + (lineNo + 1) + (colon < 0 ? " has no colon" : " has an empty header name"));
            return;
        }
        String name = new String(b, from, colon - from, StandardCharsets.ISO_8859_1);
        for (int i = from; i < colon; i++) {
            int c = b[i] & 0xff;
            if (c >= 128 || !TCHAR[c]) {
                // Only the valid start is quoted: an invalid "name" may be the tail of a value that a
                // stray CRLF split off (a Set-Cookie value, say), and values are never recorded.
                name = new String(b, from, i - from, StandardCharsets.ISO_8859_1);
                problems.add("header name starting " + quoteName(name) + " (" + (colon - from)
                        + " bytes) holds byte 0x" + hex(c) + " at position " + (i - from) + ", not allowed in a token");
                break;
            }
        }
        int vFrom = colon + 1;
        int vTo = to;
        while (vFrom < vTo && (b[vFrom] == ' ' || b[vFrom] == '\t')) {
            vFrom++;
        }
        while (vTo > vFrom && (b[vTo - 1] == ' ' || b[vTo - 1] == '\t')) {
            vTo--;
        }
        for (int i = vFrom; i < vTo; i++) {
            int c = b[i] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                problems.add("value of header " + quoteName(name) + " holds control byte 0x" + hex(c)
                        + " at position " + (i - vFrom));
                break;
            }
        }
        if (lineBytes > largestBytes) {
            largestBytes = lineBytes;
            largestName = name;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "content-length":
                contentLengths.add(new String(b, vFrom, vTo - vFrom, StandardCharsets.ISO_8859_1));
                break;
            case "transfer-encoding":
                transferEncodings.add(new String(b, vFrom, vTo - vFrom, StandardCharsets.ISO_8859_1));
                break;
            case "connection":
                connectionClose |= new String(b, vFrom, vTo - vFrom, StandardCharsets.ISO_8859_1)
                        .toLowerCase(Locale.ROOT).contains("close");
                break;
            case "set-cookie":
                setCookieCount++;
                setCookieBytes += lineBytes;
                break;
            default:
                break;
        }
    }

    private void checkFraming() {
        if (!contentLengths.isEmpty() && !transferEncodings.isEmpty()) {
            framingProblems.add("Content-Length sent together with Transfer-Encoding");
        }
        String first = null;
        for (String cl : contentLengths) {
            for (String part : cl.split(",", -1)) {
                String p = part.trim();
                if (!isDigits(p) || p.length() > 18) {
                    framingProblems.add("Content-Length value of " + cl.length() + " characters is not a number");
                    return;
                }
                if (first == null) {
                    first = p;
                } else if (Long.parseLong(first) != Long.parseLong(p)) {
                    framingProblems.add(contentLengths.size() + " Content-Length headers with differing values");
                    return;
                }
            }
        }
        for (String te : transferEncodings) {
            if (!te.trim().equalsIgnoreCase("chunked")) {
                framingProblems.add("Transfer-Encoding other than chunked (" + te.length() + " characters)");
                return;
            }
        }
        if (transferEncodings.size() > 1) {
            framingProblems.add(transferEncodings.size() + " Transfer-Encoding headers");
        }
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String quoteName(String name) {
        return "\"" + Text.sanitize(name, 64) + "\"";
    }

    private static String hex(int c) {
        return String.format("%02x", c);
    }

    /** The status code, or -1 when the status line does not carry three digits. */
    public int status() {
        return status;
    }

    /** The status field as written (sanitise before recording). */
    public String statusText() {
        return statusText;
    }

    public boolean validStatus() {
        return status >= 100 && status <= 599 && version.startsWith("HTTP/1.");
    }

    public String version() {
        return version;
    }

    /** 1xx other than 101: another header block follows. */
    public boolean interim() {
        return status >= 100 && status < 200 && status != 101;
    }

    public int totalBytes() {
        return totalBytes;
    }

    public int headerCount() {
        return headerCount;
    }

    /** Invalid header names, values and line syntax, one sentence each. */
    public List<String> headerProblems() {
        return problems;
    }

    /** Contradictory or unreadable message framing, one sentence each. */
    public List<String> framingProblems() {
        return framingProblems;
    }

    /** The declared body length, or -1 when none is usable. */
    public long contentLength() {
        return contentLengths.isEmpty() ? -1 : parseFirst();
    }

    private long parseFirst() {
        String p = contentLengths.get(0).split(",", -1)[0].trim();
        return isDigits(p) && p.length() <= 18 ? Long.parseLong(p) : -1;
    }

    public boolean chunked() {
        if (transferEncodings.isEmpty()) {
            return false;
        }
        String last = transferEncodings.get(transferEncodings.size() - 1);
        String[] codings = last.split(",");
        return codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
    }

    public boolean hasTransferEncoding() {
        return !transferEncodings.isEmpty();
    }

    public boolean connectionClose() {
        return connectionClose;
    }

    public String largestHeaderName() {
        return largestName;
    }

    public int largestHeaderBytes() {
        return largestBytes;
    }

    public int setCookieCount() {
        return setCookieCount;
    }

    public long setCookieBytes() {
        return setCookieBytes;
    }
}
