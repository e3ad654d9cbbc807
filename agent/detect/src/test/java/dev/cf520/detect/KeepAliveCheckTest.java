package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeepAliveCheckTest {
    private static final KeepAliveCheck CLOUDFLARE = new KeepAliveCheck(AgentConfig.defaults());

    @Test
    void tomcatsEmbeddedDefaultRacesCloudflaresPool() {
        ConnectorSettings s = new ConnectorSettings("tomcat", 8080, 60_000, 100, 8 * 1024);
        assertTrue(CLOUDFLARE.idleRace(s));
        List<String> f = CLOUDFLARE.findings(s);
        assertEquals(1, f.size(), f.toString());
        assertEquals("tomcat connector on port 8080 closes idle keep-alive connections after 60 s (the connector's "
                + "keepAliveTimeout), but the peer pooling connections to it reuses them for up to 900 s "
                + "(cf520.upstream-idle-timeout): a request sent as the origin closes one gets a 520. Set the "
                + "connector's keepAliveTimeout to 905000 ms (Spring Boot: server.tomcat.keep-alive-timeout=905s)",
                f.get(0));
    }

    @Test
    void eachContainerNamesItsOwnSettingAndBootProperty() {
        assertTrue(CLOUDFLARE.findings(new ConnectorSettings("jetty", 80, 30_000, -1, -1)).get(0)
                .contains("the ServerConnector's idleTimeout to 905000 ms (Spring Boot: server.jetty.connection-idle-timeout=905s)"));
        assertTrue(CLOUDFLARE.findings(new ConnectorSettings("undertow", 80, 60_000, -1, -1)).get(0)
                .contains("UndertowOptions.NO_REQUEST_TIMEOUT to 905000 ms (Spring Boot: server.undertow.no-request-timeout=905s)"));
    }

    @Test
    void anIdleTimeoutAboveThePeersIsFine() {
        assertFalse(CLOUDFLARE.idleRace(new ConnectorSettings("tomcat", 80, 1_000_000, 100, 8192)));
        assertFalse(CLOUDFLARE.idleRace(new ConnectorSettings("tomcat", 80, 900_000, 100, 8192)), "equal: the peer's timer fires first, nothing to gain");
        assertTrue(CLOUDFLARE.idleRace(new ConnectorSettings("tomcat", 80, 899_999, 100, 8192)));
        assertFalse(CLOUDFLARE.idleRace(new ConnectorSettings("tomcat", 80, -1, 100, 8192)), "never closes idle connections");
        assertFalse(CLOUDFLARE.idleRace(new ConnectorSettings("tomcat", 80, 0, 100, 8192)));
        assertEquals(List.of(), CLOUDFLARE.findings(new ConnectorSettings("tomcat", 80, 1_000_000, 100, 8192)));
    }

    @Test
    void aShorterPoolSuchAsALoadBalancerMovesTheLine() {
        KeepAliveCheck lb = new KeepAliveCheck(AgentConfig.from(Map.of(AgentConfig.UPSTREAM_IDLE_TIMEOUT, "60s"), Map.of(), Map.of()));
        assertFalse(lb.idleRace(new ConnectorSettings("tomcat", 80, 65_000, 100, 8192)));
        assertTrue(lb.idleRace(new ConnectorSettings("tomcat", 80, 20_000, 100, 8192)));
        assertEquals(65, lb.recommendedIdleSeconds());
    }

    @Test
    void aHeaderLimitAboveTheEdgesLetsOversizedBlocksThrough() {
        List<String> f = CLOUDFLARE.findings(new ConnectorSettings("tomcat", 8080, 1_000_000, 100, 1024 * 1024));
        assertEquals(List.of("tomcat connector on port 8080 sends response header blocks of up to 1,048,576 bytes "
                + "(maxHttpResponseHeaderSize), Cloudflare answers 520 above 131,072: set maxHttpResponseHeaderSize to "
                + "131072 (Spring Boot: server.tomcat.max-http-response-header-size=128KB) to get a clean 500 from the "
                + "container instead"), f);
    }

    @Test
    void connectorsAreReportedOnceWithTheirFindings() {
        List<String> seen = new java.util.ArrayList<>();
        Connectors.install(CLOUDFLARE);
        Object early = new Object();
        Connectors.report(early, new ConnectorSettings("tomcat", 8079, 60_000, 100, 8192));
        assertTrue(seen.isEmpty(), "nothing is said before the agent is active");
        Connectors.listen((s, findings) -> seen.add(s.port() + ":" + findings.size()));
        assertEquals(List.of("8079:1"), seen, "a connector started before the agent was active is reported then");
        Object key = new Object();
        assertFalse(Connectors.known(key));
        Connectors.report(key, new ConnectorSettings("tomcat", 8080, 60_000, 100, 8192));
        Connectors.report(key, new ConnectorSettings("tomcat", 8080, 60_000, 100, 8192));
        assertTrue(Connectors.known(key));
        assertTrue(Connectors.knownPort("tomcat", 8080));
        assertFalse(Connectors.knownPort("undertow", 8080));
        assertFalse(Connectors.knownPort("tomcat", 8081));
        assertEquals(List.of("8079:1", "8080:1"), seen);
        assertTrue(Connectors.all().stream().anyMatch(s -> s.port() == 8080));
    }
}
