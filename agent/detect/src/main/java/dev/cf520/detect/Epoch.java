package dev.cf520.detect;

import java.time.Instant;

/** Wall-clock time in nanoseconds since the epoch, as OpenTelemetry timestamps are. */
public final class Epoch {
    /**
     * How long one reading of the wall clock dates {@code System.nanoTime} readings: every exchange needs its start
     * in both clocks, and a second read of the clock per exchange showed in the profile (the SDK anchors its spans'
     * times the same way). A wall clock that is stepped is followed within this.
     */
    private static final long ANCHOR_NANOS = 1_000_000_000L;
    private static volatile Anchor anchor = new Anchor();

    private Epoch() {
    }

    public static long nanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The wall-clock time of {@code nanoTime}, a {@code System.nanoTime()} reading taken just now. */
    public static long nanosAt(long nanoTime) {
        Anchor a = anchor;
        long since = nanoTime - a.nanoTime;
        if (since < 0 || since > ANCHOR_NANOS) {
            a = new Anchor();
            anchor = a;
            since = nanoTime - a.nanoTime;
        }
        return a.epochNanos + since;
    }

    private static final class Anchor {
        final long nanoTime = System.nanoTime();
        final long epochNanos = nanos();
    }
}
