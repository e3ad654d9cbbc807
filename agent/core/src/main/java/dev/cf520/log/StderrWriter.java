package dev.cf520.log;

import java.io.PrintStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the agent's log lines to stderr from a daemon thread, so a request thread never waits on
 * a slow terminal or pipe. Bounded twice: a queue (lines beyond it are dropped and counted) and a
 * rate (lines per minute); what was held back is summed up in one line per minute instead of a flood.
 */
final class StderrWriter implements Runnable {
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(1024);
    private final PrintStream out;
    private final AtomicLong suppressed = new AtomicLong();
    private volatile int linesPerMinute = 120;
    private long windowStart = System.nanoTime();
    private int windowCount;

    StderrWriter(PrintStream out) {
        this.out = out;
    }

    static StderrWriter start(PrintStream out) {
        StderrWriter w = new StderrWriter(out);
        Thread t = new Thread(w, "cf520-log");
        t.setDaemon(true);
        t.start();
        return w;
    }

    void linesPerMinute(int n) {
        this.linesPerMinute = n;
    }

    /** Never blocks. {@code urgent} lines (start-up, errors of the agent itself) skip the rate limit. */
    void write(String line, boolean urgent) {
        if (!urgent && !allow()) {
            suppressed.incrementAndGet();
            return;
        }
        if (!queue.offer(line)) {
            suppressed.incrementAndGet();
        }
    }

    private synchronized boolean allow() {
        long now = System.nanoTime();
        if (now - windowStart >= MINUTE_NANOS) {
            windowStart = now;
            windowCount = 0;
        }
        return ++windowCount <= linesPerMinute;
    }

    long suppressedCount() {
        return suppressed.get();
    }

    @Override
    public void run() {
        long reported = 0;
        long lastSummary = System.nanoTime();
        while (true) {
            try {
                String line = queue.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    out.println(line);
                }
                long now = System.nanoTime();
                long s = suppressed.get();
                if (s > reported && now - lastSummary >= MINUTE_NANOS) {
                    out.println(AgentLogger.timestamp() + " WARN  cf520 " + (s - reported)
                            + " log lines held back in the last minute (rate limit "
                            + linesPerMinute + "/min, cf520.log-lines-per-minute); metrics and spans still count every event");
                    reported = s;
                    lastSummary = now;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable ignored) {
                // a broken stderr must not kill logging for good
            }
        }
    }

    /** Waits up to {@code millis} for queued lines to be written (shutdown, tests). */
    void drain(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (!queue.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
