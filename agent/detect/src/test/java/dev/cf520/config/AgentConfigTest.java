package dev.cf520.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentConfigTest {

    private static final Map<String, String> NONE = Map.of();

    private static AgentConfig args(String agentArgs) {
        return AgentConfig.from(AgentConfig.parseAgentArgs(agentArgs), NONE, NONE);
    }

    private static AgentConfig prop(String key, String value) {
        return AgentConfig.from(NONE, Map.of(key, value), NONE);
    }

    // ---- defaults ---------------------------------------------------------------------------

    @Test
    void defaultsMatchTheDesign() {
        AgentConfig c = AgentConfig.defaults();
        assertTrue(c.enabled());
        assertEquals(Duration.ofSeconds(125), c.edgeReadTimeout());
        assertEquals(AgentConfig.DEFAULT_EDGE_READ_TIMEOUT, c.edgeReadTimeout());
        assertEquals(128 * 1024, c.maxResponseHeaderBytes());
        assertEquals(AgentConfig.DEFAULT_MAX_RESPONSE_HEADER_BYTES, c.maxResponseHeaderBytes());
        assertFalse(c.trustTraceparent());
        assertNull(c.cloudflareIpsFile());
        assertEquals(AgentConfig.DEFAULT_TRUSTED_PROXIES, c.trustedProxies());
        assertTrue(c.trustedProxies().contains("127.0.0.0/8") && c.trustedProxies().contains("10.0.0.0/8"));
        assertEquals("info", c.logLevel());
        assertEquals(120, c.logLinesPerMinute());
        assertEquals(List.of(), c.problems());
    }

    @Test
    void keyConstantsAreTheDocumentedNames() {
        assertEquals("cf520.edge-read-timeout", AgentConfig.EDGE_READ_TIMEOUT);
        assertEquals("cf520.max-response-header-bytes", AgentConfig.MAX_RESPONSE_HEADER_BYTES);
        assertEquals("cf520.trust-traceparent", AgentConfig.TRUST_TRACEPARENT);
        assertEquals("cf520.cloudflare-ips-file", AgentConfig.CLOUDFLARE_IPS_FILE);
    }

    // ---- precedence -------------------------------------------------------------------------

    @Test
    void agentArgumentBeatsSystemPropertyAndEnvironment() {
        AgentConfig c = AgentConfig.from(
                Map.of("cf520.edge-read-timeout", "10s"),
                Map.of("cf520.edge-read-timeout", "20s"),
                Map.of("CF520_EDGE_READ_TIMEOUT", "30s"));
        assertEquals(Duration.ofSeconds(10), c.edgeReadTimeout());
    }

    @Test
    void systemPropertyBeatsEnvironment() {
        AgentConfig c = AgentConfig.from(NONE,
                Map.of("cf520.edge-read-timeout", "20s"),
                Map.of("CF520_EDGE_READ_TIMEOUT", "30s"));
        assertEquals(Duration.ofSeconds(20), c.edgeReadTimeout());
    }

    @Test
    void environmentIsUsedWhenNothingElseIsSet() {
        AgentConfig c = AgentConfig.from(NONE, NONE, Map.of(
                "CF520_EDGE_READ_TIMEOUT", "30s",
                "CF520_MAX_RESPONSE_HEADER_BYTES", "65536",
                "CF520_TRUST_TRACEPARENT", "true",
                "CF520_CLOUDFLARE_IPS_FILE", "/etc/cf520/ips.txt",
                "CF520_TRUSTED_PROXIES", "10.0.0.0/8 127.0.0.1/32",
                "CF520_ENABLED", "false"));
        assertEquals(Duration.ofSeconds(30), c.edgeReadTimeout());
        assertEquals(65536, c.maxResponseHeaderBytes());
        assertTrue(c.trustTraceparent());
        assertEquals("/etc/cf520/ips.txt", c.cloudflareIpsFile());
        assertEquals(List.of("10.0.0.0/8", "127.0.0.1/32"), c.trustedProxies());
        assertFalse(c.enabled());
        assertEquals(List.of(), c.problems());
    }

    @Test
    void environmentUsesOnlyTheUpperCaseUnderscoreName() {
        AgentConfig c = AgentConfig.from(NONE, NONE, Map.of("cf520.edge-read-timeout", "30s"));
        assertEquals(AgentConfig.DEFAULT_EDGE_READ_TIMEOUT, c.edgeReadTimeout());
    }

    @Test
    void precedenceIsPerKey() {
        AgentConfig c = AgentConfig.from(
                Map.of("cf520.edge-read-timeout", "10s"),
                Map.of("cf520.max-response-header-bytes", "2048"),
                Map.of("CF520_LOG_LEVEL", "debug", "CF520_MAX_RESPONSE_HEADER_BYTES", "4096"));
        assertEquals(Duration.ofSeconds(10), c.edgeReadTimeout());
        assertEquals(2048, c.maxResponseHeaderBytes());
        assertEquals("debug", c.logLevel());
    }

    @Test
    void blankValueCountsAsUnset() {
        AgentConfig c = AgentConfig.from(NONE, NONE, Map.of("CF520_EDGE_READ_TIMEOUT", "   "));
        assertEquals(AgentConfig.DEFAULT_EDGE_READ_TIMEOUT, c.edgeReadTimeout());
        assertEquals(List.of(), c.problems());
    }

    @Test
    void valuesAreTrimmed() {
        AgentConfig c = prop("cf520.max-response-header-bytes", "  4096 ");
        assertEquals(4096, c.maxResponseHeaderBytes());
    }

    @ParameterizedTest
    @CsvSource({
        "cf520.edge-read-timeout, CF520_EDGE_READ_TIMEOUT",
        "cf520.max-response-header-bytes, CF520_MAX_RESPONSE_HEADER_BYTES",
        "cf520.enabled, CF520_ENABLED",
        "cf520.log-lines-per-minute, CF520_LOG_LINES_PER_MINUTE"
    })
    void envNameUpperCasesAndUnderscores(String key, String env) {
        assertEquals(env, AgentConfig.envName(key));
    }

    // ---- durations --------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
        "125s, 125000",
        "2s, 2000",
        "500ms, 500",
        "2m, 120000",
        "30, 30000",
        "1.5s, 1500",
        "0.5, 500",
        "' 2S ', 2000",
        "500MS, 500",
        "2 s, 2000",
        "6000s, 6000000"
    })
    void readsDurations(String value, long millis) {
        AgentConfig c = prop("cf520.edge-read-timeout", value);
        assertEquals(Duration.ofMillis(millis), c.edgeReadTimeout());
        assertEquals(List.of(), c.problems(), "no problem expected for " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-5s", "0", "0s", "0ms", "2h", "2d", "5f", "NaN", "Infinity", "1.5m", "s", "ms",
        "2 seconds", "99999999999999999m", "1e300s"})
    void badDurationKeepsDefaultAndSaysSo(String value) {
        AgentConfig c = prop("cf520.edge-read-timeout", value);
        assertEquals(AgentConfig.DEFAULT_EDGE_READ_TIMEOUT, c.edgeReadTimeout(), value);
        assertEquals(1, c.problems().size(), value);
        String p = c.problems().get(0);
        assertTrue(p.startsWith("cf520.edge-read-timeout="), p);
        assertTrue(p.contains("using 125s"), p);
    }

    @Test
    void parseDurationReturnsNullForUnreadable() {
        assertNull(AgentConfig.parseDuration("fast"));
        assertNull(AgentConfig.parseDuration("2d"));
        assertEquals(Duration.ofMinutes(2), AgentConfig.parseDuration("2m"));
    }

    @Test
    void hugeDurationDoesNotBreakMillisecondArithmetic() {
        // the risk rules call toMillis(): a duration beyond it must be refused, not accepted
        AgentConfig c = prop("cf520.edge-read-timeout", "9999999999999999m"); // 6e17 s: fits seconds, not millis
        assertDoesNotThrow(() -> c.edgeReadTimeout().toMillis());
        assertEquals(AgentConfig.DEFAULT_EDGE_READ_TIMEOUT, c.edgeReadTimeout());
        assertEquals(1, c.problems().size());
    }

    // ---- other value kinds ------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"lots", "0", "-1", "1.5", "99999999999"})
    void badPositiveIntKeepsDefault(String value) {
        AgentConfig c = prop("cf520.max-response-header-bytes", value);
        assertEquals(131072, c.maxResponseHeaderBytes());
        assertEquals(1, c.problems().size());
        String p = c.problems().get(0);
        assertTrue(p.contains("cf520.max-response-header-bytes"), p);
        assertTrue(p.contains("using 131072"), p);
    }

    @Test
    void intAllowsUnderscores() {
        assertEquals(131072, prop("cf520.max-response-header-bytes", "131_072").maxResponseHeaderBytes());
    }

    @Test
    void booleansAreCaseInsensitive() {
        assertTrue(prop("cf520.trust-traceparent", "TRUE").trustTraceparent());
        assertFalse(prop("cf520.enabled", "False").enabled());
    }

    @Test
    void badBooleanKeepsDefault() {
        AgentConfig c = prop("cf520.enabled", "yes");
        assertTrue(c.enabled());
        assertEquals(1, c.problems().size());
        assertTrue(c.problems().get(0).contains("not true or false; using true"), c.problems().get(0));
    }

    @Test
    void logLevelIsOneOfTheAllowed() {
        assertEquals("debug", prop("cf520.log-level", "DEBUG").logLevel());
        AgentConfig c = prop("cf520.log-level", "verbose");
        assertEquals("info", c.logLevel());
        assertEquals(1, c.problems().size());
        assertTrue(c.problems().get(0).contains("using info"), c.problems().get(0));
    }

    @Test
    void logLinesPerMinute() {
        assertEquals(7, prop("cf520.log-lines-per-minute", "7").logLinesPerMinute());
    }

    @Test
    void trustedProxiesNoneTrustsNoOne() {
        assertEquals(List.of(), prop("cf520.trusted-proxies", "none").trustedProxies());
    }

    @Test
    void trustedProxiesSplitOnCommaSemicolonAndSpace() {
        AgentConfig c = prop("cf520.trusted-proxies", "10.0.0.0/8, 192.168.0.0/16;172.16.0.0/12  ::1/128");
        assertEquals(List.of("10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12", "::1/128"), c.trustedProxies());
        assertThrows(UnsupportedOperationException.class, () -> c.trustedProxies().add("x"));
    }

    @Test
    void everyBadValueGivesItsOwnProblem() {
        Map<String, String> p = new HashMap<>();
        p.put("cf520.edge-read-timeout", "soon");
        p.put("cf520.max-response-header-bytes", "big");
        p.put("cf520.enabled", "maybe");
        p.put("cf520.log-level", "loud");
        AgentConfig c = AgentConfig.from(NONE, p, NONE);
        assertEquals(4, c.problems().size(), c.problems().toString());
        assertThrows(UnsupportedOperationException.class, () -> c.problems().add("x"));
    }

    @Test
    void problemSentenceNeverCarriesControlCharacters() {
        AgentConfig c = prop("cf520.edge-read-timeout", "2x\nWARN forged line\r\u0000");
        assertEquals(1, c.problems().size());
        String p = c.problems().get(0);
        assertFalse(p.contains("\n"), p);
        assertFalse(p.contains("\r"), p);
        assertFalse(p.contains("\u0000"), p);
        assertTrue(p.contains("2x?WARN forged line"), p);
    }

    @Test
    void problemSentenceCapsLongValues() {
        String value = "x".repeat(1000);
        AgentConfig c = prop("cf520.edge-read-timeout", value);
        String p = c.problems().get(0);
        assertTrue(p.contains("\"" + "x".repeat(64) + "...\""), p);
        assertFalse(p.contains("x".repeat(65)), p);
    }

    // ---- agent arguments --------------------------------------------------------------------

    @Test
    void parseAgentArgsEmpty() {
        assertTrue(AgentConfig.parseAgentArgs(null).isEmpty());
        assertTrue(AgentConfig.parseAgentArgs("").isEmpty());
        assertTrue(AgentConfig.parseAgentArgs("   ").isEmpty());
    }

    @Test
    void parseAgentArgsSplitsOnSemicolonAndCommaAndAddsPrefix() {
        Map<String, String> m = AgentConfig.parseAgentArgs(
                "edge-read-timeout=2s;max-response-header-bytes=1024,cf520.trust-traceparent=true; log-level = debug ");
        assertEquals("2s", m.get("cf520.edge-read-timeout"));
        assertEquals("1024", m.get("cf520.max-response-header-bytes"));
        assertEquals("true", m.get("cf520.trust-traceparent"));
        assertEquals("debug", m.get("cf520.log-level"));
        assertEquals(4, m.size(), m.toString());
    }

    @Test
    void parseAgentArgsKeepsOtelKeys() {
        Map<String, String> m = AgentConfig.parseAgentArgs("otel.service.name=shop;enabled=true");
        assertEquals("shop", m.get("otel.service.name"));
        assertEquals("true", m.get("cf520.enabled"));
    }

    @Test
    void parseAgentArgsSkipsPartsWithoutKey() {
        Map<String, String> m = AgentConfig.parseAgentArgs("=x;;log-level=warn");
        assertEquals(Map.of("cf520.log-level", "warn"), m);
    }

    @Test
    void parseAgentArgsKeepsEqualsSignsInValues() {
        Map<String, String> m = AgentConfig.parseAgentArgs("cloudflare-ips-file=/opt/a=b/ips.txt");
        assertEquals("/opt/a=b/ips.txt", m.get("cf520.cloudflare-ips-file"));
    }

    @Test
    void commaSeparatedListInAgentArgsKeepsEveryEntry() {
        // ',' is also a pair separator: a bare entry continues the list before it instead of being dropped
        AgentConfig c = args("trusted-proxies=10.0.0.0/8,192.168.0.0/16;edge-read-timeout=2s");
        assertEquals(List.of("10.0.0.0/8", "192.168.0.0/16"), c.trustedProxies());
        assertEquals(Duration.ofSeconds(2), c.edgeReadTimeout());
        assertEquals(List.of(), c.problems());
    }

    @Test
    void agentArgsFlowIntoConfig() {
        AgentConfig c = args("edge-read-timeout=2s,max-response-header-bytes=1024;enabled=false");
        assertEquals(Duration.ofSeconds(2), c.edgeReadTimeout());
        assertEquals(1024, c.maxResponseHeaderBytes());
        assertFalse(c.enabled());
    }

    @Test
    void loadReadsAgentArgsAndSystemProperties() {
        String key = "cf520.log-lines-per-minute";
        String before = System.getProperty(key);
        System.setProperty(key, "7");
        try {
            AgentConfig c = AgentConfig.load("log-level=warn");
            assertEquals("warn", c.logLevel());
            assertEquals(7, c.logLinesPerMinute());
            AgentConfig overridden = AgentConfig.load("log-lines-per-minute=9");
            assertEquals(9, overridden.logLinesPerMinute());
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void theCacheOfHookedClassesIsTheUsersUnderTmpUnlessMovedOrOff() {
        String user = System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_");
        assertEquals(System.getProperty("java.io.tmpdir") + java.io.File.separator + "cf520-cache-" + user,
                AgentConfig.defaults().cacheDir());
        assertEquals("/var/cache/cf520", AgentConfig.from(Map.of("cf520.cache-dir", "/var/cache/cf520"), Map.of(),
                Map.of()).cacheDir());
        assertNull(AgentConfig.from(Map.of(), Map.of(), Map.of("CF520_CACHE_DIR", "off")).cacheDir());
    }
}
