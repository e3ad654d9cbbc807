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

    /** Names the checks read, as bytes: a header line is matched in place, without making a String of it. */
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] SET_COOKIE = ascii("set-cookie");
    private static final byte[] CLOSE = ascii("close");
    /** Common header names, returned as constants when one is the largest line (the usual case). */
    private static final String[] COMMON_NAMES = {"Set-Cookie", "Content-Type", "Date", "Content-Length",
        "Cache-Control", "Location", "Link", "Content-Security-Policy", "Server", "Vary", "ETag", "Last-Modified",
        "Keep-Alive", "Connection", "Transfer-Encoding", "Expires", "content-type", "set-cookie", "date",
        "content-length", "cache-control", "location", "link", "content-security-policy", "server", "vary", "etag"};

    // every field is set by fill(): a ResponseWire parses each of its blocks into one instance
    private int totalBytes;
    private int status;
    private String statusText;
    private String version;
    private int headerCount;
    private List<String> problems;
    private List<String> framingProblems;
    private List<String> contentLengths;
    private List<String> transferEncodings;
    private long contentLength;
    private boolean chunked;
    private boolean connectionClose;
    /** The largest line's name, made from {@link #largestNameBytes} when first asked for (only a risk's detail does). */
    private String largestName;
    private byte[] largestNameBytes = new byte[32];
    private int largestNameLength;
    private int largestBytes;
    private int setCookieCount;
    private long setCookieBytes;
    /** Where {@link #fillInPlace} found the block's end, or -1. */
    private int blockEnd;

    HeaderBlock() {
    }

    /** Parses {@code len} bytes ending with the empty line; {@code totalBytes} may exceed them when the block was too large to keep. */
    public static HeaderBlock parse(byte[] b, int len, int totalBytes) {
        return parse(b, 0, len, totalBytes);
    }

    /**
     * As {@link #parse(byte[], int, int)}, reading {@code b[off..off+len)} in place. The block keeps no
     * reference to {@code b}: a container's write buffer is reused as soon as the write returns.
     */
    public static HeaderBlock parse(byte[] b, int off, int len, int totalBytes) {
        return new HeaderBlock().fill(b, off, len, totalBytes);
    }

    /** Parses into this block, forgetting all it held before: what {@link #parse} does, without allocating. */
    HeaderBlock fill(byte[] b, int off, int len, int totalBytes) {
        return fill(b, off, len, totalBytes, true);
    }

    /**
     * Parses the header block that starts at {@code b[off]}, finding its end in the same pass (a container writes
     * the whole block in one write, body bytes often after it): returns the index after the line that ends it, by
     * the rule {@link ResponseWire} follows a block with (a line of nothing but CRs, the block longer than 2 bytes),
     * or -1 when it does not end before {@code end} or ends by that rule elsewhere than at the line this parse
     * stops at; what this block then holds is to be parsed again. On a block end it holds what {@link #fill} of
     * exactly the block's bytes gives.
     */
    int fillInPlace(byte[] b, int off, int end) {
        fill(b, off, end - off, 0, true);
        if (blockEnd > 0) {
            totalBytes = blockEnd - off;
        }
        return blockEnd;
    }

    /** {@link #fill} with every line read by the general path: the reference the single-pass path is tested against. */
    static HeaderBlock parseLineByLine(byte[] b, int off, int len, int totalBytes) {
        return new HeaderBlock().fill(b, off, len, totalBytes, false);
    }

    private HeaderBlock fill(byte[] b, int off, int len, int totalBytes, boolean singlePass) {
        HeaderBlock h = this;
        h.totalBytes = totalBytes;
        h.status = -1;
        h.statusText = null;
        h.version = "";
        h.headerCount = 0;
        h.problems = List.of();
        h.framingProblems = List.of();
        h.contentLengths = List.of();
        h.transferEncodings = List.of();
        h.contentLength = -1;
        h.chunked = false;
        h.connectionClose = false;
        h.largestName = null;
        h.largestNameLength = 0;
        h.largestBytes = 0;
        h.setCookieCount = 0;
        h.setCookieBytes = 0;
        h.blockEnd = -1;
        int end = off + len;
        int lineStart = off;
        int lineNo = 0;
        int largestFrom = -1;
        int largestLen = 0;
        for (int i = off; i < end; i++) {
            if (singlePass && lineNo > 0 && i == lineStart) {
                // the usual line (token name, colon, value without control bytes, CRLF) in one pass; any other
                // line, and the empty line ending the block, goes the general way below
                int lf = h.plainHeaderLine(b, lineStart, end);
                if (lf >= 0) {
                    int lineBytes = lf + 1 - lineStart;
                    if (lineBytes > h.largestBytes) {
                        h.largestBytes = lineBytes;
                        largestFrom = lineStart;
                        largestLen = h.plainNameLength;
                    }
                    lineNo++;
                    lineStart = lf + 1;
                    i = lf;
                    continue;
                }
            }
            if (b[i] != '\n') {
                continue;
            }
            boolean crlf = i > lineStart && b[i - 1] == '\r';
            int lineEnd = crlf ? i - 1 : i;
            boolean endsBlock = i - off + 1 > 2 && onlyCarriageReturns(b, lineStart, i);
            if (lineNo == 0) {
                h.statusLine(b, lineStart, lineEnd);
            } else if (lineEnd == lineStart) {
                h.blockEnd = endsBlock ? i + 1 : -1;
                break; // the empty line ending the block
            } else {
                int nameLen = h.headerLine(b, lineStart, lineEnd, lineNo);
                if (nameLen >= 0 && lineEnd - lineStart + 2 > h.largestBytes) {
                    h.largestBytes = lineEnd - lineStart + 2;
                    largestFrom = lineStart;
                    largestLen = nameLen;
                }
            }
            if (!crlf) {
                h.problem("line " + (lineNo + 1) + " ends in a bare LF");
            }
            lineNo++;
            lineStart = i + 1;
            if (endsBlock) { // a line of two CRs or more, which the block's end rule counts as empty
                h.blockEnd = i + 1;
                break;
            }
        }
        if (largestFrom >= 0) {
            h.keepLargestName(b, largestFrom, largestLen);
        }
        h.checkFraming();
        return h;
    }

    private static boolean onlyCarriageReturns(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void problem(String p) {
        if (problems.isEmpty()) {
            problems = new ArrayList<>(2);
        }
        problems.add(p);
    }

    private void framingProblem(String p) {
        if (framingProblems.isEmpty()) {
            framingProblems = new ArrayList<>(2);
        }
        framingProblems.add(p);
    }

    private static List<String> plus(List<String> list, String v) {
        if (list.isEmpty()) {
            // the usual single plain Content-Length or "chunked": a shared list, nothing allocated
            return v == PLAIN ? PLAIN_ONLY : v == CHUNKED ? CHUNKED_ONLY : List.of(v);
        }
        List<String> more = new ArrayList<>(list);
        more.add(v);
        return more;
    }

    /** Names past this many bytes are kept cut: a risk's detail quotes 64 characters at most. */
    private static final int MAX_KEPT_NAME = 256;

    private void keepLargestName(byte[] b, int from, int len) {
        int n = Math.min(len, MAX_KEPT_NAME);
        if (largestNameBytes.length < n) {
            largestNameBytes = new byte[Math.max(n, 2 * largestNameBytes.length)];
        }
        System.arraycopy(b, from, largestNameBytes, 0, n);
        largestNameLength = n;
    }

    private static String name(byte[] b, int from, int len) {
        for (String c : COMMON_NAMES) {
            if (c.length() == len && regionEquals(b, from, len, c)) {
                return c;
            }
        }
        return new String(b, from, len, StandardCharsets.ISO_8859_1);
    }

    private static boolean regionEquals(byte[] b, int from, int len, String s) {
        for (int i = 0; i < len; i++) {
            if (b[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code b[from..from+len)} equals the lower-case ASCII {@code lower}, ignoring case. */
    static boolean equalsIgnoreCase(byte[] b, int from, int len, byte[] lower) {
        if (len != lower.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsIgnoreCase(byte[] b, int from, int to, byte[] lower) {
        for (int i = from; i + lower.length <= to; i++) {
            if (equalsIgnoreCase(b, i, lower.length, lower)) {
                return true;
            }
        }
        return false;
    }

    private void statusLine(byte[] b, int from, int to) {
        int sp = indexOf(b, from, to, ' ');
        if (sp < 0) {
            statusText = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
            return;
        }
        version = regionEquals(b, from, sp - from, "HTTP/1.1") ? "HTTP/1.1"
                : regionEquals(b, from, sp - from, "HTTP/1.0") ? "HTTP/1.0"
                : new String(b, from, sp - from, StandardCharsets.ISO_8859_1);
        int sp2 = indexOf(b, sp + 1, to, ' ');
        int textEnd = sp2 < 0 ? to : sp2;
        int code = textEnd - sp - 1 == 3 ? digits(b, sp + 1, textEnd) : -1;
        if (code >= 100 && code <= 599 && b[sp + 1] != '0') {
            status = code; // statusText() is then the number itself
        } else {
            status = code;
            statusText = new String(b, sp + 1, textEnd - sp - 1, StandardCharsets.ISO_8859_1);
        }
    }

    private static int indexOf(byte[] b, int from, int to, char c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The decimal number in {@code b[from..to)}, or -1 unless it is 1 to 18 digits and nothing else. */
    private static long number(byte[] b, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    private static int digits(byte[] b, int from, int to) {
        return (int) number(b, from, to);
    }

    /** The name length of the line {@link #plainHeaderLine} read last. */
    private int plainNameLength;

    /**
     * Reads the header line at {@code from} in one pass if it is plain: a token name, a colon, a value of visible
     * bytes, spaces and tabs, then CRLF. Returns the index of its LF, or -1 (nothing recorded) for any other line,
     * which {@link #headerLine} then reads.
     */
    private int plainHeaderLine(byte[] b, int from, int end) {
        int i = from;
        while (i < end && b[i] >= 0 && TCHAR[b[i]]) {
            i++;
        }
        if (i == from || i >= end || b[i] != ':') {
            return -1;
        }
        int colon = i;
        int vFrom = -1;
        int vTo = -1;
        for (i++; i < end; i++) {
            int c = b[i] & 0xff;
            if (c == ' ' || c == '\t') {
                continue;
            }
            if (c < 0x20 || c == 0x7f) {
                break;
            }
            if (vFrom < 0) {
                vFrom = i;
            }
            vTo = i + 1;
        }
        if (i + 1 >= end || b[i] != '\r' || b[i + 1] != '\n') {
            return -1;
        }
        if (vFrom < 0) {
            vFrom = i;
            vTo = i;
        }
        headerCount++;
        knownHeader(b, from, colon - from, vFrom, vTo, i + 2 - from);
        plainNameLength = colon - from;
        return i + 1;
    }

    /** Checks one header line; returns its name's length, or -1 when the line has no usable name. */
    private int headerLine(byte[] b, int from, int to, int lineNo) {
        headerCount++;
        int lineBytes = to - from + 2;
        if (b[from] == ' ' || b[from] == '\t') {
            problem("line " + (lineNo + 1) + " is an obsolete folded continuation line");
            return -1;
        }
        int colon = indexOf(b, from, to, ':');
        if (colon <= from) {
            problem("line " + (lineNo + 1) + (colon < 0 ? " has no colon" : " has an empty header name"));
            return -1;
        }
        int nameLen = colon - from;
        for (int i = from; i < colon; i++) {
            int c = b[i] & 0xff;
            if (c >= 128 || !TCHAR[c]) {
                // Only the valid start is quoted: an invalid "name" may be the tail of a value that a
                // stray CRLF split off (a Set-Cookie value, say), and values are never recorded.
                String start = new String(b, from, i - from, StandardCharsets.ISO_8859_1);
                problem("header name starting " + quoteName(start) + " (" + nameLen
                        + " bytes) holds byte 0x" + hex(c) + " at position " + (i - from) + ", not allowed in a token");
                nameLen = i - from;
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
                problem("value of header " + quoteName(name(b, from, nameLen)) + " holds control byte 0x" + hex(c)
                        + " at position " + (i - vFrom));
                break;
            }
        }
        knownHeader(b, from, colon - from, vFrom, vTo, lineBytes);
        return nameLen;
    }

    /** Records what the framing and cookie checks need from a header the rules name; others are only counted. */
    private void knownHeader(byte[] b, int from, int nameLen, int vFrom, int vTo, int lineBytes) {
        int colon = from + nameLen;
        if (equalsIgnoreCase(b, from, colon - from, CONTENT_LENGTH)) {
            long n = number(b, vFrom, vTo);
            if (contentLengths.isEmpty() && n >= 0) {
                contentLength = n; // the usual single plain value: no String needed
            }
            contentLengths = plus(contentLengths, n >= 0 && contentLengths.isEmpty() ? PLAIN
                    : new String(b, vFrom, vTo - vFrom, StandardCharsets.ISO_8859_1));
        } else if (equalsIgnoreCase(b, from, colon - from, TRANSFER_ENCODING)) {
            transferEncodings = plus(transferEncodings, equalsIgnoreCase(b, vFrom, vTo - vFrom, CHUNKED_BYTES) ? CHUNKED
                    : new String(b, vFrom, vTo - vFrom, StandardCharsets.ISO_8859_1));
        } else if (equalsIgnoreCase(b, from, colon - from, CONNECTION)) {
            connectionClose |= containsIgnoreCase(b, vFrom, vTo, CLOSE);
        } else if (equalsIgnoreCase(b, from, colon - from, SET_COOKIE)) {
            setCookieCount++;
            setCookieBytes += lineBytes;
        }
    }

    /** Stands for a first Content-Length value that was a plain number, already in {@link #contentLength}. */
    private static final String PLAIN = new String("plain");
    private static final List<String> PLAIN_ONLY = List.of(PLAIN);
    /** A Transfer-Encoding value that is exactly {@code chunked} (any case). */
    private static final String CHUNKED = "chunked";
    private static final List<String> CHUNKED_ONLY = List.of(CHUNKED);
    private static final byte[] CHUNKED_BYTES = ascii(CHUNKED);

    private void checkFraming() {
        if (!contentLengths.isEmpty() && !transferEncodings.isEmpty()) {
            framingProblem("Content-Length sent together with Transfer-Encoding");
        }
        if (!contentLengths(!contentLengths.isEmpty() && contentLengths.get(0) == PLAIN ? 1 : 0)) {
            return;
        }
        for (String te : transferEncodings) {
            if (!te.trim().equalsIgnoreCase("chunked")) {
                framingProblem("Transfer-Encoding other than chunked (" + te.length() + " characters)");
                return;
            }
        }
        if (transferEncodings.size() > 1) {
            framingProblem(transferEncodings.size() + " Transfer-Encoding headers");
        }
        if (!transferEncodings.isEmpty()) {
            String last = transferEncodings.get(transferEncodings.size() - 1);
            if (last == CHUNKED) {
                chunked = true;
                return;
            }
            String[] codings = last.split(",");
            chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
        }
    }

    /**
     * Checks the Content-Length values from index {@code from} on (a first plain value is already in
     * {@link #contentLength}); the declared length is the first value's first part. False when a
     * problem ends the framing checks.
     */
    private boolean contentLengths(int from) {
        boolean known = from > 0;
        long first = contentLength;
        for (int i = from; i < contentLengths.size(); i++) {
            String cl = contentLengths.get(i);
            for (String part : cl.split(",", -1)) {
                String p = part.trim();
                boolean number = isDigits(p) && p.length() <= 18;
                if (!known) {
                    contentLength = number ? Long.parseLong(p) : -1;
                    first = contentLength;
                    known = true;
                }
                if (!number) {
                    framingProblem("Content-Length value of " + cl.length() + " characters is not a number");
                    return false;
                }
                if (first != Long.parseLong(p)) {
                    framingProblem(contentLengths.size() + " Content-Length headers with differing values");
                    return false;
                }
            }
        }
        return true;
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
        return statusText != null ? statusText : status >= 0 ? Integer.toString(status) : "";
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
        return contentLength;
    }

    public boolean chunked() {
        return chunked;
    }

    public boolean hasTransferEncoding() {
        return !transferEncodings.isEmpty();
    }

    public boolean connectionClose() {
        return connectionClose;
    }

    public String largestHeaderName() {
        if (largestName == null) {
            largestName = largestNameLength == 0 ? "" : name(largestNameBytes, 0, largestNameLength);
        }
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
