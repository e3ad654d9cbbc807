package dev.cf520.detect;

import java.time.Instant;

/** Wall-clock time in nanoseconds since the epoch, as OpenTelemetry timestamps are. */
public final class Epoch {
    private Epoch() {
    }

    public static long nanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
