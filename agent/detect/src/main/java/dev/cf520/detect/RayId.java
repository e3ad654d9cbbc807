package dev.cf520.detect;

/**
 * A {@code CF-Ray} header value. Cloudflare does not specify the format; observed values are 16
 * lower-case hex digits followed by one or more {@code -SUFFIX} parts, the first being the colo
 * ({@code 8e39e2c50f3aab97-SJC}, {@code 8e39e2c50f3aab97-SJC-PIG}). Anything else is kept as
 * malformed and never trusted.
 */
public final class RayId {
    private final String raw;
    private final boolean valid;
    private final String colo;

    private RayId(String raw, boolean valid, String colo) {
        this.raw = raw;
        this.valid = valid;
        this.colo = colo;
    }

    /** Null when the header is absent. */
    public static RayId parse(String header) {
        if (header == null) {
            return null;
        }
        String v = header.trim();
        if (v.length() < 18 || v.length() > 64 || v.charAt(16) != '-') {
            return new RayId(header, false, null);
        }
        for (int i = 0; i < 16; i++) {
            char c = v.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return new RayId(header, false, null);
            }
        }
        // the suffixes are checked in place and the colo comes from a small cache: this runs per exchange
        int partStart = 17;
        int coloEnd = -1;
        for (int i = 17; i <= v.length(); i++) {
            char c = i < v.length() ? v.charAt(i) : '-';
            if (c == '-') {
                if (i == partStart || i - partStart > 8) {
                    return new RayId(header, false, null);
                }
                coloEnd = coloEnd < 0 ? i : coloEnd;
                partStart = i + 1;
            } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return new RayId(header, false, null);
            }
        }
        return new RayId(v, true, colo(v, 17, coloEnd));
    }

    /**
     * Cloudflare has a few hundred colos: each exchange's colo string is looked up here rather than
     * cut from the header anew. Racy by design: a slot holds an immutable String, a lost write only
     * means one more substring.
     */
    private static final String[] COLOS = new String[256];

    private static String colo(String v, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + v.charAt(i);
        }
        int slot = (h ^ (h >>> 8)) & (COLOS.length - 1);
        String c = COLOS[slot];
        if (c == null || c.length() != to - from || !v.regionMatches(from, c, 0, to - from)) {
            c = v.substring(from, to);
            COLOS[slot] = c;
        }
        return c;
    }

    /** The header as received (sanitize before recording). */
    public String raw() {
        return raw;
    }

    public boolean valid() {
        return valid;
    }

    /** The well-formed Ray ID, or null when malformed. */
    public String id() {
        return valid ? raw : null;
    }

    /** The first suffix (the Cloudflare data centre), or null when malformed. */
    public String colo() {
        return colo;
    }
}
