package dev.cf520.agent;

import dev.cf520.detect.AgentErrors;
import dev.cf520.detect.Exchanges;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Flags exchanges still without response headers when the edge's read timeout passes, while they
 * run: Cloudflare has shown the visitor a 524 by then, whether or not the origin ever answers.
 */
final class Watchdog {
    private Watchdog() {
    }

    static ScheduledExecutorService start(Duration readTimeout) {
        long period = Math.max(100, Math.min(1000, readTimeout.toMillis() / 10));
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cf520-watchdog");
            t.setDaemon(true);
            return t;
        });
        s.scheduleAtFixedRate(() -> {
            try {
                Exchanges.watchdogScan(System.nanoTime());
            } catch (Throwable t) {
                AgentErrors.suppressed(t);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return s;
    }
}
