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
        String[] suffixes = v.substring(17).split("-", -1);
        for (String s : suffixes) {
            if (s.isEmpty() || s.length() > 8) {
                return new RayId(header, false, null);
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                    return new RayId(header, false, null);
                }
            }
        }
        return new RayId(v, true, suffixes[0]);
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
