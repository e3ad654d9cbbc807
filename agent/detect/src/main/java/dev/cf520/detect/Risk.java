package dev.cf520.detect;

/**
 * One fault found on the wire. {@code detail} is one sentence with the numbers (header names,
 * sizes, counts, byte offsets), never a header value.
 */
public final class Risk {
    private final Reason reason;
    private final Phase phase;
    private final String detail;
    private final long epochNanos;

    public Risk(Reason reason, Phase phase, String detail, long epochNanos) {
        this.reason = reason;
        this.phase = phase;
        this.detail = detail;
        this.epochNanos = epochNanos;
    }

    public Reason reason() {
        return reason;
    }

    public Phase phase() {
        return phase;
    }

    public String detail() {
        return detail;
    }

    /** When it was found (the slow-response watchdog finds it before the exchange ends). */
    public long epochNanos() {
        return epochNanos;
    }

    @Override
    public String toString() {
        return reason.code() + " (" + phase.code() + "): " + detail;
    }
}
