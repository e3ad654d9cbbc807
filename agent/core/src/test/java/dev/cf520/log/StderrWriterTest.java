package dev.cf520.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StderrWriterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Thread t : threads) {
            t.interrupt();
        }
    }

    private StderrWriter started() {
        StderrWriter w = new StderrWriter(out);
        Thread t = new Thread(w, "cf520-log-test");
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return w;
    }

    /** Lines printed so far, once everything queued (and a final urgent marker) has been printed. */
    private List<String> printed(StderrWriter w) {
        w.write("END", true);
        w.drain(5_000);
        long deadline = System.currentTimeMillis() + 5_000;
        while (!bytes.toString(StandardCharsets.UTF_8).contains("END") && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        List<String> lines = new ArrayList<>(Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\\R")));
        assertEquals("END", lines.remove(lines.size() - 1));
        return lines;
    }

    @Test
    void linesPass() {
        StderrWriter w = started();
        w.write("one", false);
        w.write("two", false);
        assertEquals(List.of("one", "two"), printed(w));
        assertEquals(0, w.suppressedCount());
    }

    @Test
    void rateLimitHoldsBackNonUrgentLinesAndCountsThem() {
        StderrWriter w = started();
        w.linesPerMinute(3);
        for (int i = 0; i < 10; i++) {
            w.write("line " + i, false);
        }
        assertEquals(List.of("line 0", "line 1", "line 2"), printed(w));
        assertEquals(7, w.suppressedCount());
    }

    @Test
    void urgentLinesPassTheRateLimit() {
        StderrWriter w = started();
        w.linesPerMinute(2);
        w.write("a", false);
        w.write("b", false);
        w.write("c", false); // held back
        w.write("urgent 1", true);
        w.write("d", false); // held back
        w.write("urgent 2", true);
        assertEquals(List.of("a", "b", "urgent 1", "urgent 2"), printed(w));
        assertEquals(2, w.suppressedCount());
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        StderrWriter w = new StderrWriter(out); // no thread: nothing is taken from the queue
        long start = System.nanoTime();
        for (int i = 0; i < 1100; i++) {
            w.write("line " + i, true);
        }
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "never blocks");
        assertEquals(1100 - 1024, w.suppressedCount());
        assertEquals(0, bytes.size());
    }

    @Test
    void drainReturnsWhenNothingTakesTheQueue() {
        StderrWriter w = new StderrWriter(out);
        w.write("stuck", true);
        long start = System.nanoTime();
        w.drain(100);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis >= 90 && tookMillis < 5_000, "bounded wait: " + tookMillis + " ms");
    }
}
