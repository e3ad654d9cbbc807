package dev.cf520.detect;

import java.nio.charset.StandardCharsets;

/** Test-only access to the package-private parts of {@link Exchange}, for tests of other packages. */
public final class ExchangeTestAccess {
    private ExchangeTestAccess() {
    }

    /** Ends the exchange as {@link Exchanges} does; true the first time. */
    public static boolean end(Exchange x) {
        return x.end();
    }

    /** Flags the exchange slow as the watchdog does; true the first time. */
    public static boolean flagSlow(Exchange x, Risk r) {
        return x.flagSlow(r);
    }

    /** Feeds wire text as ISO-8859-1 bytes (every char 0-255 is one byte). */
    public static void send(Exchange x, String wire) {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        x.wire(b, 0, b.length);
    }
}
