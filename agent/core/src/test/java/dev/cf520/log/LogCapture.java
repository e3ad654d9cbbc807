package dev.cf520.log;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only: points the agent's loggers at an in-memory stream for the duration of a test, so
 * tests of other packages can see what the agent logs.
 */
public final class LogCapture implements AutoCloseable {
    private static final AtomicInteger MARKS = new AtomicInteger();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final StderrWriter writer;
    private final Thread thread;
    private final Object previous;

    private LogCapture() throws ReflectiveOperationException {
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        writer = new StderrWriter(out);
        thread = new Thread(writer, "cf520-log-capture");
        thread.setDaemon(true);
        thread.start();
        previous = field().get(AgentLoggerFactory.INSTANCE);
        field().set(AgentLoggerFactory.INSTANCE, writer);
    }

    public static LogCapture start() {
        try {
            return new LogCapture();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Field field() throws NoSuchFieldException {
        Field f = AgentLoggerFactory.class.getDeclaredField("writer");
        f.setAccessible(true);
        return f;
    }

    /** Every line logged so far (waits until the writer thread has printed all queued lines). */
    public List<String> lines() {
        String mark = "--cf520-capture-mark-" + MARKS.incrementAndGet() + "--";
        writer.write(mark, true);
        long deadline = System.currentTimeMillis() + 10_000;
        String text;
        while (!(text = bytes.toString(StandardCharsets.UTF_8)).contains(mark)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("log writer did not print within 10 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isEmpty() && !line.startsWith("--cf520-capture-mark-")) {
                out.add(line);
            }
        }
        return out;
    }

    /** Lines containing {@code s}. */
    public List<String> linesContaining(String s) {
        List<String> out = new ArrayList<>();
        for (String line : lines()) {
            if (line.contains(s)) {
                out.add(line);
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            field().set(AgentLoggerFactory.INSTANCE, previous);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        thread.interrupt();
    }
}
