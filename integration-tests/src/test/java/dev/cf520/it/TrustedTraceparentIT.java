package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With cf520.trust-traceparent=true the incoming traceparent is the parent and the parent-based
 * sampler honours its sampled flag for healthy exchanges; a risky exchange is kept regardless.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustedTraceparentIT {
    private OtlpReceiver receiver;
    private OriginProcess origin;

    @BeforeAll
    void start() throws Exception {
        receiver = new OtlpReceiver();
        Map<String, String> props = OriginProcess.testSettings(receiver);
        props.put("cf520.trust-traceparent", "true");
        props.put("otel.traces.sampler", "parentbased_always_on");
        origin = OriginProcess.start(new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(),
                "11", OriginProcess.Layout.FAT_JAR), true, props);
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
        receiver.close();
    }

    private static Map<String, String> unsampled(String ray, String traceId) {
        Map<String, String> h = new LinkedHashMap<>(CatalogContract.edgeHeaders(ray));
        h.put("traceparent", "00-" + traceId + "-00f067aa0ba902b7-00");
        return h;
    }

    @Test
    void unsampledParentDropsAHealthySpanButNeverARiskySpan() throws Exception {
        String healthyRay = CatalogContract.newRay();
        RawHttp.get(origin.port(), "/hello", unsampled(healthyRay, "11111111111111111111111111111111"), 1500);
        String riskyRay = CatalogContract.newRay();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        RawHttp.get(origin.port(), "/fault/invalid-header", unsampled(riskyRay, traceId), 1500);

        Span risky = receiver.awaitOneSpan(riskyRay, Duration.ofSeconds(15));
        assertEquals("invalid_header", string(risky, "cf520.reason"));
        assertEquals(traceId, HexFormat.of().formatHex(risky.getTraceId().toByteArray()), "trusted: same trace");
        assertEquals("00f067aa0ba902b7", HexFormat.of().formatHex(risky.getParentSpanId().toByteArray()));
        Thread.sleep(500);
        assertTrue(receiver.spansWithRay(healthyRay).isEmpty(),
                "the sampler honoured the unsampled parent for the healthy exchange");
    }
}
