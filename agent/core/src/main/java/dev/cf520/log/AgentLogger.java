package dev.cf520.log;

import dev.cf520.detect.Text;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** The agent's logger: one escaped line per call, through the shared {@link StderrWriter}. */
final class AgentLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient AgentLoggerFactory factory;

    AgentLogger(String name, AgentLoggerFactory factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return factory.threshold().toInt() <= Level.DEBUG.toInt();
    }

    @Override
    public boolean isInfoEnabled() {
        return factory.threshold().toInt() <= Level.INFO.toInt();
    }

    @Override
    public boolean isWarnEnabled() {
        return factory.threshold().toInt() <= Level.WARN.toInt();
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
            Throwable t) {
        String msg = MessageFormatter.basicArrayFormat(pattern, args);
        // Every value may come from the network: escape control characters so no line can be forged.
        StringBuilder line = new StringBuilder(160).append(timestamp()).append(' ')
                .append(String.format("%-5s", level)).append(' ')
                .append(Text.sanitize(msg, 4096));
        if (t != null) {
            if (isDebugEnabled()) {
                StringWriter sw = new StringWriter();
                t.printStackTrace(new PrintWriter(sw));
                line.append(System.lineSeparator()).append(sw.toString().stripTrailing());
            } else {
                line.append(" (").append(t.getClass().getName()).append(')');
            }
        }
        factory.writer().write(line.toString(), level == Level.ERROR || (marker != null && marker.contains(Logs.URGENT)));
    }

    static String timestamp() {
        return Instant.now().toString();
    }
}
