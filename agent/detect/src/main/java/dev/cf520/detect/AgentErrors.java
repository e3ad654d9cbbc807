package dev.cf520.detect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Throwables the agent swallowed so the host never sees them (advice exception handler, sinks).
 * Counted here; telemetry reports the count and logs the first one.
 */
public final class AgentErrors {
    private static final AtomicLong COUNT = new AtomicLong();
    private static volatile Throwable first;

    private AgentErrors() {
    }

    /** Called from advice bytecode: must never throw. */
    public static void suppressed(Throwable t) {
        try {
            if (COUNT.getAndIncrement() == 0) {
                first = t;
            }
        } catch (Throwable ignored) {
            // nothing may escape into the host
        }
    }

    public static long count() {
        return COUNT.get();
    }

    public static Throwable first() {
        return first;
    }
}
