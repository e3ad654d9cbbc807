package dev.cf520.detect;

import java.nio.charset.StandardCharsets;

/** Test helper: wire text as ISO-8859-1 bytes (every char 0-255 is one byte). */
final class Bytes {
    private Bytes() {
    }

    static byte[] of(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
