package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.log.LogCapture;
import org.junit.jupiter.api.Test;

class EdgeBypassLogTest {
    private static final EdgeVerifier DEFAULTS =
            new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, AgentConfig.DEFAULT_TRUSTED_PROXIES);

    private static Exchange from(String peer, String ray, String xff) {
        Exchange x = new Exchange("GET", "/", "HTTP/1.1", "http", 64 * 1024);
        x.peer(peer);
        x.requestHeader("cf-ray", ray);
        x.requestHeader("x-forwarded-for", xff);
        return x;
    }

    @Test
    void aCfRayFromAnUntrustedNonCloudflarePeerIsReportedOnceAMinute() {
        EdgeBypassLog log = new EdgeBypassLog(DEFAULTS);
        try (LogCapture c = LogCapture.start()) {
            log.ended(from("203.0.113.9", "8e39e2c50f3aab97-SJC", null));
            log.ended(from("203.0.113.9", "8e39e2c50f3aab98-SJC", null));
            log.ended(from("203.0.113.10", "8e39e2c50f3aab99-SJC", null));
            assertEquals(1, c.linesContaining("someone reaches this origin around Cloudflare").size(), c.lines().toString());
            assertTrue(c.linesContaining("CF-Ray 8e39e2c50f3aab97-SJC did not come from Cloudflare (peer 203.0.113.9;").size() == 1);
        }
    }

    @Test
    void cloudflareTrustedProxiesAndRequestsWithoutCfRayAreNotReported() {
        EdgeBypassLog log = new EdgeBypassLog(DEFAULTS);
        try (LogCapture c = LogCapture.start()) {
            log.ended(from("173.245.48.5", "8e39e2c50f3aab97-SJC", null)); // Cloudflare itself
            log.ended(from("127.0.0.1", "8e39e2c50f3aab97-SJC", null)); // a local proxy, nothing to judge by
            log.ended(from("10.1.2.3", "8e39e2c50f3aab97-SJC", "198.51.100.1, 173.245.48.5")); // LB behind Cloudflare
            log.ended(from("203.0.113.9", null, null)); // no CF-Ray: not posing as Cloudflare traffic
            assertTrue(c.linesContaining("around Cloudflare").isEmpty(), c.lines().toString());
            log.ended(from("10.1.2.3", "8e39e2c50f3aab97-SJC", "173.245.48.5, 198.51.100.1")); // the LB's client is not Cloudflare
            assertEquals(1, c.linesContaining("around Cloudflare").size());
        }
    }
}
