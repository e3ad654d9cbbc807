package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EpochTest {
    private static final long MS = 1_000_000L;

    @Test
    void aNanoTimeReadingIsDatedByTheWallClock() {
        long before = Epoch.nanos();
        long at = Epoch.nanosAt(System.nanoTime());
        long after = Epoch.nanos();
        // the wall clock's own resolution (a microsecond here) and the anchor's two reads apart
        assertTrue(at >= before - MS && at <= after + MS, before + " <= " + at + " <= " + after);
    }

    @Test
    void readingsKeepTheirNanoTimeDistance() {
        long t = System.nanoTime();
        long a = Epoch.nanosAt(t);
        long b = Epoch.nanosAt(t + 250 * MS); // not read now: dated by the anchor (or a new one, a clock read apart)
        assertEquals(250 * MS, b - a, MS);
    }

    @Test
    void aReadingPastTheAnchorIsDatedByANewOne() {
        long t = System.nanoTime() + 5_000 * MS; // later than the anchor's second: the wall clock is read again
        long at = Epoch.nanosAt(t);
        long expected = Epoch.nanos() + 5_000 * MS;
        assertTrue(Math.abs(at - expected) < 50 * MS, at + " ~ " + expected);
    }
}
