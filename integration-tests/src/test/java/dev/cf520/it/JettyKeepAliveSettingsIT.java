package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The keep-alive configuration check on stock Jetty settings (ServerConnector idleTimeout 30 s) at
 * start-up: Jetty 12.1 (the demo, ee10) and Jetty 9.4 (the javax origin). Both raise the response
 * header limit to 1 MiB, as origins behind Cloudflare often do.
 */
class JettyKeepAliveSettingsIT {

    static Stream<OriginProcess.Runtime> jettys() {
        return Stream.of(
                new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR).server("jetty"),
                JavaxContract.javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(), "jetty-9.4", "jetty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jettys")
    void stockJettySettingsAreFlaggedAtStartUp(OriginProcess.Runtime jetty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(jetty, true, OriginProcess.testSettings(receiver))) {
            String idle = origin.awaitStderr(l -> l.contains("520-risk setting: jetty connector on port " + origin.port()
                    + " closes idle keep-alive connections after 30 s (the ServerConnector's idleTimeout)"),
                    Duration.ofSeconds(20));
            assertNotNull(idle, String.join("\n", origin.agentLines()));
            assertTrue(idle.contains(" WARN "), idle);
            assertTrue(idle.contains("up to 900 s") && idle.contains("idleTimeout to 905000 ms")
                    && idle.contains("server.jetty.connection-idle-timeout=905s"), idle);
            String header = origin.awaitStderr(l -> l.contains("520-risk setting: jetty connector on port "
                    + origin.port() + " sends response header blocks of up to 1,048,576 bytes"), Duration.ofSeconds(5));
            assertNotNull(header, "the origin raises HttpConfiguration.responseHeaderSize to 1 MiB: " + origin.agentLines());
            assertTrue(header.contains("server.jetty.max-http-response-header-size=128KB"), header);

            NumberDataPoint p = KeepAliveSettingsIT.gauge(receiver, origin.port());
            assertEquals(30.0, p.getAsDouble(), 0.001, "idle timeout in seconds");
            assertEquals(Optional.of("jetty"), OtlpReceiver.attr(p.getAttributesList(), "cf520.container")
                    .map(v -> v.getStringValue()));
            assertEquals(Optional.of(true), OtlpReceiver.attr(p.getAttributesList(), "cf520.idle_close_race")
                    .map(v -> v.getBoolValue()));
            for (int i = 0; i < 3; i++) { // the first exchange's look-up (attach) must not report the connector again
                RawHttp.get(origin.port(), "/hello", CatalogContract.edgeHeaders(CatalogContract.newRay()), 1500);
            }
            assertEquals(1, origin.stderr().stream().filter(l -> l.contains("closes idle keep-alive")).count(),
                    "one line per connector, not per exchange");
        }
    }

    /**
     * Attached to a running Jetty: its connectors started before the agent, so each one is read at its first
     * exchange after the attach (HttpChannelState.onRequest / HttpChannel.onRequest), once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jettys")
    void attachedToARunningJettyEachConnectorIsReadAtItsFirstExchange(OriginProcess.Runtime jetty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(jetty, false, java.util.Map.of())) {
            AttachIT.Cli cli = AttachIT.Cli.run(origin.javaHome(), "attach", Long.toString(origin.pid()),
                    "otel.exporter.otlp.endpoint=" + receiver.endpoint(), "otel.metric.export.interval=500",
                    "otel.service.name=cf520-attach");
            assertEquals(0, cli.exit, cli.output);
            assertTrue(origin.stderr().stream().noneMatch(l -> l.contains("closes idle keep-alive")),
                    "nothing read before the connector's first exchange: " + origin.agentLines());
            for (int i = 0; i < 3; i++) {
                RawHttp.get(origin.port(), "/hello", CatalogContract.edgeHeaders(CatalogContract.newRay()), 1500);
            }
            String idle = origin.awaitStderr(l -> l.contains("520-risk setting: jetty connector on port " + origin.port()
                    + " closes idle keep-alive connections after 30 s"), Duration.ofSeconds(20));
            assertNotNull(idle, String.join("\n", origin.agentLines()));
            assertEquals(30.0, KeepAliveSettingsIT.gauge(receiver, origin.port()).getAsDouble(), 0.001);
            assertEquals(1, origin.stderr().stream().filter(l -> l.contains("closes idle keep-alive")).count(),
                    "one line per connector, not per exchange");
        }
    }
}
