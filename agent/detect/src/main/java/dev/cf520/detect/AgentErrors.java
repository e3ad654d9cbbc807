package dev.cf520.detect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Throwables the agent swallowed so the host never sees them (advice exception handler, sinks).
 * Counted here; telemetry reports the count as cf520.agent.errors.suppressed.
 */
public final class AgentErrors {
    private static final AtomicLong COUNT = new AtomicLong();

    private AgentErrors() {
    }

    /** Called from advice bytecode: must never throw. */
    public static void suppressed(Throwable t) {
        COUNT.incrementAndGet();
    }

    public static long count() {
        return COUNT.get();
    }
}
