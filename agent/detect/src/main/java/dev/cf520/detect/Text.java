package dev.cf520.detect;

/** Bounds and escapes values that came from the network before they reach attributes or log lines. */
public final class Text {
    public static final int MAX_ATTRIBUTE_CHARS = 256;

    private Text() {
    }

    /**
     * Escapes control characters (so a value can never forge a log line) and caps the result at
     * {@link #MAX_ATTRIBUTE_CHARS}, marking a cut with an ellipsis.
     */
    public static String sanitize(String s) {
        return sanitize(s, MAX_ATTRIBUTE_CHARS);
    }

    public static String sanitize(String s, int max) {
        if (s == null) {
            return null;
        }
        StringBuilder b = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean escape = c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0);
            if (escape && b == null) {
                b = new StringBuilder(n + 16).append(s, 0, i);
            }
            if (b != null) {
                if (escape) {
                    appendEscaped(b, c);
                } else {
                    b.append(c);
                }
                if (b.length() > max) {
                    break;
                }
            }
        }
        String out = b == null ? s : b.toString();
        return out.length() > max ? out.substring(0, max - 3) + "..." : out;
    }

    private static void appendEscaped(StringBuilder b, char c) {
        switch (c) {
            case '\r': b.append("\\r"); break;
            case '\n': b.append("\\n"); break;
            case '\t': b.append("\\t"); break;
            case '\\': b.append("\\\\"); break;
            default: b.append(String.format("\\x%02x", (int) c));
        }
    }

    /** {@code 131072} as {@code 131,072}: details are read by people. */
    public static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
