package dev.cf520.log;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;

/**
 * The agent's loggers. Taken from our factory directly rather than through slf4j's discovery,
 * which would honour a host's {@code -Dslf4j.provider} meant for the host's own slf4j.
 */
public final class Logs {
    /** Marks lines that skip the rate limit (start-up, the agent's own failures). */
    public static final Marker URGENT = new BasicMarkerFactory().getMarker("cf520-urgent");

    private static java.util.logging.Logger julRoot;

    private Logs() {
    }

    public static Logger get(Class<?> type) {
        return AgentLoggerFactory.INSTANCE.getLogger("cf520." + type.getSimpleName());
    }

    public static void configure(String level, int linesPerMinute) {
        AgentLoggerFactory.INSTANCE.threshold(level);
        AgentLoggerFactory.INSTANCE.writer().linesPerMinute(linesPerMinute);
    }

    /**
     * The relocated OpenTelemetry SDK logs through java.util.logging under our shaded package:
     * keep those records off the host's JUL handlers (a stack trace per failed batch) and route
     * them to the agent log at DEBUG; the exporters' wrappers say what matters once, at WARN.
     */
    public static synchronized void captureJul(String loggerPrefix) {
        if (julRoot != null) {
            return;
        }
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(loggerPrefix);
        jul.setUseParentHandlers(false);
        Logger target = AgentLoggerFactory.INSTANCE.getLogger("cf520.otel");
        jul.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (target.isDebugEnabled()) {
                    target.debug("{}: {}", r.getLoggerName(), r.getMessage(), r.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        julRoot = jul; // JUL holds loggers weakly: keep ours configured
    }

    /** Waits briefly for queued lines (JVM shutdown). */
    public static void drain(long millis) {
        AgentLoggerFactory.INSTANCE.writer().drain(millis);
    }
}
