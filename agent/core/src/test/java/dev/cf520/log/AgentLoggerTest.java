package dev.cf520.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class AgentLoggerTest {

    @Test
    void valuesAreEscapedSoNoLineCanBeForged() {
        try (LogCapture log = LogCapture.start()) {
            Logger logger = Logs.get(AgentLoggerTest.class);
            logger.warn("cf520 path {}", "/a\r\n2026-01-01T00:00:00Z ERROR forged");
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("\\S+ WARN  cf520 path /a\\\\r\\\\n2026-01-01T00:00:00Z ERROR forged"),
                    lines.get(0));
        }
    }

    @Test
    void throwableIsNamedNotPrintedAtInfo() {
        try (LogCapture log = LogCapture.start()) {
            Logs.get(AgentLoggerTest.class).warn("cf520 failed", new IllegalStateException("secret=hunter2"));
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).endsWith("cf520 failed (java.lang.IllegalStateException)"), lines.get(0));
        }
    }

    @Test
    void debugIsOffByDefault() {
        try (LogCapture log = LogCapture.start()) {
            Logs.get(AgentLoggerTest.class).debug("cf520 not shown");
            Logs.get(AgentLoggerTest.class).info("cf520 shown");
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains(" INFO  cf520 shown"), lines.get(0));
        }
    }

    @Test
    void loggersAreNamedAfterTheClass() {
        assertEquals("cf520.AgentLoggerTest", Logs.get(AgentLoggerTest.class).getName());
    }
}
