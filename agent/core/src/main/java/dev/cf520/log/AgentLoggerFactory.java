package dev.cf520.log;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/** Hands out {@link AgentLogger}s sharing one writer and one threshold. */
public final class AgentLoggerFactory implements ILoggerFactory {
    static final AgentLoggerFactory INSTANCE = new AgentLoggerFactory();

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private volatile Level threshold = Level.INFO;
    private volatile StderrWriter writer;

    private AgentLoggerFactory() {
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new AgentLogger(n, this));
    }

    Level threshold() {
        return threshold;
    }

    void threshold(String level) {
        this.threshold = Level.valueOf(level.toUpperCase(Locale.ROOT));
    }

    StderrWriter writer() {
        StderrWriter w = writer;
        if (w == null) {
            synchronized (this) {
                if (writer == null) {
                    writer = StderrWriter.start(System.err);
                }
                w = writer;
            }
        }
        return w;
    }
}
