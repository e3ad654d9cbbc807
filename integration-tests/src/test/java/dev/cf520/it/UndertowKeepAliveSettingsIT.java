package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The keep-alive configuration check on Undertow: Undertow.start() gives every listener NO_REQUEST_TIMEOUT
 * 60 s unless set, so the stock demo and a stock Spring Boot 3 app are flagged, once per listener, with the
 * Undertow option and the Spring Boot property; a demo whose idle timeout outlasts the edge's is not.
 */
class UndertowKeepAliveSettingsIT {
    @Test
    void stockDemoOnUndertowIsFlaggedAtStartUp() throws Exception {
        flaggedAt60s(UndertowIdleClosesIT.demo());
    }

    @Test
    void stockSpringBoot3UndertowIsFlaggedAtStartUp() throws Exception {
        flaggedAt60s(BootApps.boot3Undertow("java-17", OriginProcess.java17()));
    }

    @Test
    void anIdleTimeoutAboveTheEdgesIsNoRisk() throws Exception {
        OriginProcess.Runtime rt = UndertowIdleClosesIT.demo(905000);
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(rt, true, OriginProcess.testSettings(receiver))) {
            NumberDataPoint p = KeepAliveSettingsIT.gauge(receiver, origin.port());
            assertEquals(905.0, p.getAsDouble(), 0.001, "NO_REQUEST_TIMEOUT as the demo set it, in seconds");
            assertEquals(Optional.of(false), flag(p));
            assertTrue(origin.stderr().stream().noneMatch(l -> l.contains("closes idle keep-alive")),
                    String.join("\n", origin.agentLines()));
        }
    }

    @Test
    void afterAnAttachEachListenerIsReportedAtItsFirstExchange() throws Exception {
        OriginProcess.Runtime rt = UndertowIdleClosesIT.demo(2000);
        try (OtlpReceiver receiver = new OtlpReceiver(); OriginProcess origin = OriginProcess.start(rt, false, Map.of())) {
            AttachIT.Cli cli = AttachIT.Cli.run(origin.javaHome(), "attach", Long.toString(origin.pid()),
                    "otel.exporter.otlp.endpoint=" + receiver.endpoint(), "otel.metric.export.interval=500",
                    "otel.service.name=cf520-attach");
            assertEquals(0, cli.exit, cli.output);
            Thread.sleep(1000);
            assertTrue(origin.stderr().stream().noneMatch(l -> l.contains("closes idle keep-alive")),
                    "the listener started before the agent: nothing to report until an exchange on it");
            assertEquals(200, RawHttp.get(origin.port(), "/hello", Map.of(), 5000).status());
            String line = origin.awaitStderr(l -> l.contains("520-risk setting: undertow connector on port "
                    + origin.port() + " closes idle keep-alive connections after 2 s"), Duration.ofSeconds(10));
            assertTrue(line != null, String.join("\n", origin.agentLines()));
            NumberDataPoint p = KeepAliveSettingsIT.gauge(receiver, origin.port());
            assertEquals(2.0, p.getAsDouble(), 0.001, "NO_REQUEST_TIMEOUT as the demo set it, in seconds");
            assertEquals(Optional.of(true), flag(p));
        }
    }

    private static void flaggedAt60s(OriginProcess.Runtime rt) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(rt, true, OriginProcess.testSettings(receiver))) {
            String warning = "520-risk setting: undertow connector on port " + origin.port()
                    + " closes idle keep-alive connections after 60 s (UndertowOptions.NO_REQUEST_TIMEOUT)";
            String line = origin.awaitStderr(l -> l.contains(warning), Duration.ofSeconds(20));
            assertTrue(line != null && line.contains(" WARN ") && line.contains("up to 900 s")
                    && line.contains("Set UndertowOptions.NO_REQUEST_TIMEOUT to 905000")
                    && line.contains("server.undertow.no-request-timeout=905s"),
                    line == null ? String.join("\n", origin.agentLines()) : line);

            NumberDataPoint p = KeepAliveSettingsIT.gauge(receiver, origin.port());
            assertEquals(60.0, p.getAsDouble(), 0.001, "idle timeout in seconds");
            assertEquals(Optional.of(true), flag(p));
            RawHttp.Response r = RawHttp.get(origin.port(), "/hello", Map.of(), 5000);
            assertTrue(r.status() > 0, "an exchange after start-up, on a listener reported already: " + r.head());
            Thread.sleep(500);
            assertEquals(1, origin.stderr().stream().filter(l -> l.contains("closes idle keep-alive")).count(),
                    "one line per listener, not per exchange: " + origin.agentLines());
        }
    }

    private static Optional<Boolean> flag(NumberDataPoint p) {
        assertEquals(Optional.of("undertow"),
                OtlpReceiver.attr(p.getAttributesList(), "cf520.container").map(v -> v.getStringValue()));
        return OtlpReceiver.attr(p.getAttributesList(), "cf520.idle_close_race").map(v -> v.getBoolValue());
    }
}
