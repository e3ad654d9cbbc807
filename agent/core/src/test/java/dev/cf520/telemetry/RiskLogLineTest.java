package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeTestAccess;
import dev.cf520.detect.Risk;
import dev.cf520.detect.RiskRules;
import dev.cf520.log.LogCapture;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskLogLineTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String RAY = "8e39e2c50f3aab97-SJC";
    private final RiskRules rules = new RiskRules(AgentConfig.defaults());

    private List<Risk> end(Exchange x) {
        assertTrue(ExchangeTestAccess.end(x));
        return rules.evaluate(x);
    }

    private static Exchange truncated(String method, String path) {
        Exchange x = new Exchange(method, path, "HTTP/1.1", "http", 256 * 1024);
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\nabc");
        return x;
    }

    @Test
    void exactFormatWithRayAndStatus() {
        Exchange x = truncated("GET", "/orders/42");
        x.requestHeader("cf-ray", RAY);
        Risk r = end(x).get(0);
        assertEquals("cf520 520-risk ray=8e39e2c50f3aab97-SJC reason=truncated_body GET /orders/42 status=200: "
                + "declared Content-Length 10,000, 3 bytes written before the exchange ended",
                RiskLogLine.line(x, r, ""));
        assertEquals("cf520 520-risk ray=8e39e2c50f3aab97-SJC reason=truncated_body GET /orders/42 status=200: "
                + "declared Content-Length 10,000, 3 bytes written before the exchange ended (also x)",
                RiskLogLine.line(x, r, " (also x)"));
    }

    @Test
    void dashesWithoutRayOrStatus() {
        Exchange x = new Exchange("POST", "/upload", "HTTP/1.1", "http", 256 * 1024);
        Risk r = end(x).get(0);
        assertEquals("cf520 520-risk ray=- reason=no_response POST /upload status=-: " + r.detail(),
                RiskLogLine.line(x, r, ""));
    }

    @Test
    void malformedRayIsADash() {
        Exchange x = truncated("GET", "/x");
        x.requestHeader("cf-ray", "8e39e2c50f3aab97-SJC\r\nWARN forged");
        String line = RiskLogLine.line(x, end(x).get(0), "");
        assertTrue(line.startsWith("cf520 520-risk ray=- reason=truncated_body GET /x status=200: "), line);
        assertFalse(line.contains("forged"), line);
    }

    @Test
    void controlCharactersInPathAndMethodCannotForgeALine() {
        Exchange x = truncated("GET\r\nX", "/a\r\n2026-01-01T00:00:00Z WARN  cf520 forged\u0000\u001b[2J");
        String line = RiskLogLine.line(x, end(x).get(0), "");
        assertTrue(line.startsWith("cf520 520-risk ray=- reason=truncated_body GET\\r\\nX "
                + "/a\\r\\n2026-01-01T00:00:00Z WARN  cf520 forged\\x00\\x1b[2J status=200: "), line);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            assertFalse(c < 0x20 || c == 0x7f, "control char at " + i + ": " + line);
        }
    }

    @Test
    void endedLogsOneLinePerExchangeNamingTheOtherReasons() {
        Exchange x = new Exchange("GET", "/multi", "HTTP/1.1", "http", 256 * 1024);
        ExchangeTestAccess.send(x, "HTTP/1.1 200 OK\r\nBad Name: v\r\nContent-Length: 100\r\n\r\nabc");
        List<Risk> risks = end(x);
        try (LogCapture log = LogCapture.start()) {
            new RiskLogLine().ended(x, risks);
            List<String> lines = log.linesContaining("520-risk");
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains(" WARN  cf520 520-risk ray=- reason=invalid_header GET /multi status=200: "),
                    lines.get(0));
            assertTrue(lines.get(0).endsWith(" (also truncated_body)"), lines.get(0));
        }
    }

    @Test
    void slowRiskLoggedWhileRunningIsNotLoggedAgain() {
        Exchange x = new Exchange("GET", "/slow", "HTTP/1.1", "http", 256 * 1024);
        Risk slow = rules.slow(x, x.startNanos() + 126 * SECOND);
        assertTrue(ExchangeTestAccess.flagSlow(x, slow));
        try (LogCapture log = LogCapture.start()) {
            RiskLogLine logLine = new RiskLogLine();
            logLine.running(x, slow);
            List<String> running = log.linesContaining("520-risk");
            assertEquals(1, running.size(), running.toString());
            assertTrue(running.get(0).contains("reason=slow_response GET /slow status=-: "), running.get(0));

            // ended without ever answering: its only risk is the watchdog's
            List<Risk> risks = end(x);
            assertEquals(List.of(slow), risks);
            logLine.ended(x, risks);
            assertEquals(1, log.linesContaining("520-risk").size());
        }
    }
}
