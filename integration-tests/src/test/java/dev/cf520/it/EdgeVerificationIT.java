package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.bool;
import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * cloudflare.edge_verified from the TCP peer through trusted proxies (loopback and private peers by
 * default), the X-Forwarded-For chain walked from the right; and one WARN when a CF-Ray arrives
 * from a peer that is neither Cloudflare nor trusted: someone reaching the origin around Cloudflare.
 */
class EdgeVerificationIT {
    private static final OriginProcess.Runtime TOMCAT = new OriginProcess.Runtime("tomcat-11/java-17/fat-jar",
            OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR);

    private static Span get(OriginProcess origin, OtlpReceiver receiver, String xff) throws Exception {
        String ray = CatalogContract.newRay();
        Map<String, String> h = CatalogContract.edgeHeaders(ray);
        if (xff != null) {
            h.put("X-Forwarded-For", xff);
        }
        assertEquals(200, RawHttp.get(origin.port(), "/hello", h, 5000).status());
        return receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
    }

    private static long bypassLines(OriginProcess origin) {
        return origin.stderr().stream().filter(l -> l.contains("someone reaches this origin around Cloudflare")).count();
    }

    @Test
    void throughATrustedLocalProxyTheForwardedChainDecides() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(TOMCAT, true, OriginProcess.testSettings(receiver))) {
            Span viaCloudflare = get(origin, receiver, "198.51.100.1, 173.245.48.5");
            assertEquals(Boolean.TRUE, bool(viaCloudflare, "cloudflare.edge_verified"));
            assertEquals("203.0.113.7", string(viaCloudflare, "client.address"), "CF-Connecting-IP is the visitor");

            Span around = get(origin, receiver, "173.245.48.5, 198.51.100.1");
            assertEquals(Boolean.FALSE, bool(around, "cloudflare.edge_verified"), "the proxy's client is not Cloudflare");
            assertEquals("127.0.0.1", string(around, "client.address"), "its CF-Connecting-IP is not believed");
            Thread.sleep(300);
            assertEquals(1, bypassLines(origin), String.join("\n", origin.agentLines()));
        }
    }

    @Test
    void withNoTrustedProxyALoopbackPeerIsNotCloudflareAndIsReportedOnce() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, String> settings = new java.util.LinkedHashMap<>(OriginProcess.testSettings(receiver));
            settings.put("cf520.trusted-proxies", "none");
            try (OriginProcess origin = OriginProcess.start(TOMCAT, true, settings)) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(Boolean.FALSE, bool(get(origin, receiver, null), "cloudflare.edge_verified"));
                }
                Thread.sleep(300);
                assertEquals(1, bypassLines(origin), "one line, then at most one a minute: "
                        + String.join("\n", origin.agentLines()));
            }
        }
    }
}
