package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.bool;
import static dev.cf520.it.OtlpReceiver.has;
import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Rule 8: an HTTP/2 exchange is still a span, marked cf520.judged=false, and never a risk until h2 is judged. */
class Http2IT {

    /** Tomcat 11 on Java 17; a container's subclass runs the same check on its own origin. */
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR);
    }

    @Test
    void http2ExchangesAreSpansButNotJudged() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(runtime(), true, OriginProcess.testSettings(receiver))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            // the first request upgrades the connection (h2c); the second goes over HTTP/2 from the start
            for (String path : new String[] {"/hello", "/fault/invalid-status"}) {
                String ray = CatalogContract.newRay();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + origin.port() + path)).header("CF-Ray", ray).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, r.version(), path + " went over HTTP/2");
                Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
                assertEquals(Boolean.FALSE, bool(span, "cf520.judged"), path);
                assertEquals("2.0", string(span, "network.protocol.version"), path);
                assertEquals(ray, string(span, "cloudflare.ray_id"), path);
                assertFalse(has(span, "cf520.risk"), path + ": HTTP/2 is not judged yet");
            }
        }
    }
}
