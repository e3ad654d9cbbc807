package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The keep-alive configuration check at start-up, on the stock Tomcat settings of the demo and of a Spring
 * Boot 4 app: one WARN per risky setting naming the setting, the Spring Boot property and the value, and a
 * gauge per connector that a fleet dashboard can filter on cf520.idle_close_race.
 */
class KeepAliveSettingsIT {
    private static final OriginProcess.Runtime TOMCAT = new OriginProcess.Runtime("tomcat-11/java-17/fat-jar",
            OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR);

    @Test
    void stockTomcatSettingsAreFlaggedAtStartUp() throws Exception {
        flaggedAt60s(TOMCAT);
    }

    /**
     * Spring Boot 4 leaves Tomcat 11's keepAliveTimeout unset, so it falls back to connectionTimeout (60 s): the WARN
     * names Boot's property. The fixture raises the response header limit to 1 MB, as the demo does.
     */
    @Test
    void stockSpringBoot4TomcatIsFlaggedAtStartUp() throws Exception {
        flaggedAt60s(BootApps.boot4Tomcat("java-17", OriginProcess.java17()));
    }

    private static void flaggedAt60s(OriginProcess.Runtime rt) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(rt, true, OriginProcess.testSettings(receiver))) {
            String idle = origin.awaitStderr(l -> l.contains("520-risk setting: tomcat connector on port " + origin.port()
                    + " closes idle keep-alive connections after 60 s"), Duration.ofSeconds(20));
            assertNotNull(idle, String.join("\n", origin.agentLines()));
            assertTrue(idle.contains(" WARN "), idle);
            assertTrue(idle.contains("up to 900 s") && idle.contains("keepAliveTimeout to 905000 ms")
                    && idle.contains("server.tomcat.keep-alive-timeout=905s"), idle);
            String header = origin.awaitStderr(l -> l.contains("520-risk setting: tomcat connector on port "
                    + origin.port() + " sends response header blocks of up to 1,048,576 bytes"), Duration.ofSeconds(5));
            assertNotNull(header, "the origin raises maxHttpResponseHeaderSize to 1 MiB: " + origin.agentLines());
            assertTrue(header.contains("server.tomcat.max-http-response-header-size=128KB"), header);

            NumberDataPoint p = gauge(receiver, origin.port());
            assertEquals(60.0, p.getAsDouble(), 0.001, "idle timeout in seconds");
            assertEquals(Optional.of(true), flag(p.getAttributesList()));
            assertEquals(1, origin.stderr().stream().filter(l -> l.contains("closes idle keep-alive")).count(),
                    "one line per connector, not per exchange");
        }
    }

    @Test
    void anUpstreamThatIdlesOutFirstIsNoRisk() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, String> settings = new java.util.LinkedHashMap<>(OriginProcess.testSettings(receiver));
            settings.put("cf520.upstream-idle-timeout", "30s"); // e.g. a load balancer in front that idles out at 30 s
            try (OriginProcess origin = OriginProcess.start(TOMCAT, true, settings)) {
                NumberDataPoint p = gauge(receiver, origin.port());
                assertEquals(Optional.of(false), flag(p.getAttributesList()));
                assertTrue(origin.stderr().stream().noneMatch(l -> l.contains("closes idle keep-alive")),
                        String.join("\n", origin.agentLines()));
            }
        }
    }

    static NumberDataPoint gauge(OtlpReceiver receiver, int port) throws InterruptedException {
        Optional<Metric> m = receiver.awaitMetric("cf520.connector.idle_timeout",
                x -> x.getGauge().getDataPointsList().stream().anyMatch(d -> port(d) == port), Duration.ofSeconds(20));
        assertTrue(m.isPresent(), "gauge cf520.connector.idle_timeout for port " + port);
        assertEquals("s", m.get().getUnit());
        List<NumberDataPoint> points = m.get().getGauge().getDataPointsList();
        return points.stream().filter(d -> port(d) == port).findFirst().get();
    }

    static long port(NumberDataPoint d) {
        return OtlpReceiver.attr(d.getAttributesList(), "server.port").map(v -> v.getIntValue()).orElse(-1L);
    }

    private static Optional<Boolean> flag(List<KeyValue> attrs) {
        assertEquals(Optional.of("tomcat"), OtlpReceiver.attr(attrs, "cf520.container").map(v -> v.getStringValue()));
        return OtlpReceiver.attr(attrs, "cf520.idle_close_race").map(v -> v.getBoolValue());
    }
}
