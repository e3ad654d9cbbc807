package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Settings that cannot be used never stop the origin: a cf520 setting keeps its default, a broken SDK setting turns the agent off. */
class BadSettingsIT {
    private static final OriginProcess.Runtime RUNTIME = new OriginProcess.Runtime("tomcat-11/java-17/fat-jar",
            OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR);

    @Test
    void unreadableCf520SettingsKeepTheirDefaults() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, String> props = OriginProcess.testSettings(receiver);
            props.put("cf520.edge-read-timeout", "abc");
            props.put("cf520.max-response-header-bytes", "-5");
            try (OriginProcess origin = OriginProcess.start(RUNTIME, true, props)) {
                String active = origin.awaitStderr(l -> l.contains(" active"), Duration.ofSeconds(10));
                String ray = CatalogContract.newRay();
                RawHttp.Response wire = RawHttp.get(origin.port(), "/fault/truncated-body",
                        CatalogContract.edgeHeaders(ray), 1500);
                assertEquals(200, wire.status());
                Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));

                List<String> agent = origin.agentLines();
                String all = String.join("\n", origin.stderr());
                assertWarning(agent, "cf520.edge-read-timeout", "abc", "125s", all);
                assertWarning(agent, "cf520.max-response-header-bytes", "-5", "131072", all);
                assertNotNull(active, "the agent started; stderr:\n" + all);
                assertTrue(active.contains("edge read timeout 125.0s") && active.contains("header limit 131072 bytes"),
                        "the defaults are in force: " + active);

                assertEquals(Boolean.TRUE, OtlpReceiver.bool(span, "cf520.risk"), "the risk is still reported");
                assertEquals("truncated_body", OtlpReceiver.string(span, "cf520.reason"));
            }
        }
    }

    private static void assertWarning(List<String> agentLines, String key, String value, String kept, String all) {
        List<String> lines = agentLines.stream().filter(l -> l.contains(key)).collect(Collectors.toList());
        assertEquals(1, lines.size(), "one line about " + key + ", stderr:\n" + all);
        String line = lines.get(0);
        assertTrue(line.contains(" WARN "), "a WARN line: " + line);
        assertTrue(line.contains(value), "names the bad value: " + line);
        assertTrue(line.matches(".*\\b" + kept + "\\b.*"), "names the default kept (" + kept + "): " + line);
    }

    @Test
    void brokenSdkSettingTurnsTheAgentOff() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, String> props = OriginProcess.testSettings(receiver);
            props.put("otel.traces.exporter", "nonsense");
            try (OriginProcess origin = OriginProcess.start(RUNTIME, true, props)) {
                String error = origin.awaitStderr(l -> l.contains("could not start"), Duration.ofSeconds(10));
                RawHttp.Response hello = RawHttp.get(origin.port(), "/hello", Map.of(), 2000);
                assertEquals(200, hello.status(), "the origin serves without the agent");
                assertTrue(new String(hello.bytes, StandardCharsets.UTF_8)
                        .contains("hello from the cf520 demo origin"));
                // were the hooks installed, this would give a risk line, a span and metrics
                String ray = CatalogContract.newRay();
                assertEquals(200, RawHttp.get(origin.port(), "/fault/truncated-body", CatalogContract.edgeHeaders(ray),
                        1000).status());
                Thread.sleep(2000);

                List<String> err = origin.stderr();
                String all = String.join("\n", err);
                assertNotNull(error, "an ERROR line saying the agent could not start; stderr:\n" + all);
                assertTrue(error.contains(" ERROR ") && origin.agentLines().contains(error), error);
                assertTrue(error.contains("otel.traces.exporter"), "the line names the setting: " + error);
                assertEquals(1, err.stream().filter(l -> l.contains(" ERROR ")).count(), "one ERROR line:\n" + all);
                assertEquals(0, err.stream().filter(l -> l.contains(" active")).count(), "no start-up line:\n" + all);
                assertTrue(err.stream().noneMatch(l -> l.contains(ray) || l.contains("520-risk")), "no risk line:\n" + all);
                assertTrue(err.stream().noneMatch(l -> l.matches("^\\s+at .*")), "no stack trace:\n" + all);
                assertEquals(0, receiver.traceRequests() + receiver.metricRequests(), "nothing exported");
            }
        }
    }
}
