package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.bool;
import static dev.cf520.it.OtlpReceiver.has;
import static dev.cf520.it.OtlpReceiver.integer;
import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * How Jetty 9.4 exchanges end beyond the catalogue: the peer hanging up mid-body (Jetty's write fails, the
 * servlet's EofException aborts the channel), and a keep-alive connection carrying sync, async, async
 * timeout and error exchanges, each ending once at HttpChannel.onCompleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Jetty9BehaviourIT {
    private OtlpReceiver receiver;
    private OriginProcess origin;

    @BeforeAll
    void start() throws Exception {
        receiver = new OtlpReceiver();
        origin = OriginProcess.start(JavaxContract.javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(),
                "jetty-9.4", "jetty"), true, OriginProcess.testSettings(receiver));
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
        receiver.close();
    }

    @Test
    void aPeerThatResetsMidDownloadIsAClientAbortNotARisk() throws Exception {
        String ray = CatalogContract.newRay();
        try (Socket s = new Socket("127.0.0.1", origin.port())) {
            s.setSoLinger(true, 0); // close with a reset, as an edge giving up on the connection
            s.setSoTimeout(30_000);
            RawHttp.send(s.getOutputStream(), origin.port(), "GET", "/download?size=20000000",
                    CatalogContract.edgeHeaders(ray));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            for (int got = 0; got < 200_000; ) {
                int n = in.read(buf);
                assertTrue(n > 0, "the download started");
                got += n;
            }
        }
        Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(30));
        assertEquals(Boolean.TRUE, bool(span, "cf520.client_abort"));
        assertNull(bool(span, "cf520.risk"), "the peer going away is never a risk");
        assertFalse(has(span, "cf520.reason"));
        assertEquals(200L, integer(span, "http.response.status_code"));
        long sent = integer(span, "http.response.body.size");
        assertTrue(sent >= 200_000 - 1024 && sent < 20_000_000, "body bytes the socket took before the reset: " + sent);
        Thread.sleep(100);
        assertTrue(origin.stderr().stream().noneMatch(l -> l.contains(ray)), "no 520-risk line for a client abort");
    }

    @Test
    void keepAliveSyncAsyncAndErrorExchangesEndOnceEach() throws Exception {
        // Jetty keeps the connection after an async timeout's 500 and closes it after a thrown exception's 500
        List<String> paths = List.of("/hello", "/async", "/stream", "/static/big.bin", "/async-timeout", "/json",
                "/async", "/error-before-commit");
        List<Integer> statuses = List.of(200, 200, 200, 200, 500, 200, 200, 500);
        List<String> rays = new ArrayList<>();
        List<Integer> bodies = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", origin.port())) {
            s.setSoTimeout(10_000);
            for (int i = 0; i < paths.size(); i++) {
                String ray = CatalogContract.newRay();
                rays.add(ray);
                RawHttp.send(s.getOutputStream(), origin.port(), "GET", paths.get(i), CatalogContract.edgeHeaders(ray));
                RawHttp.Response r = RawHttp.read(s.getInputStream());
                Catalog.complete(statuses.get(i)).accept(r);
                assertEquals("open", r.ending, paths.get(i) + " reached its declared end");
                assertEquals(i == paths.size() - 1, "close".equals(r.header("connection")), paths.get(i));
                bodies.add(r.payloadBytes());
            }
        }
        for (int i = 0; i < paths.size(); i++) {
            Span span = receiver.awaitOneSpan(rays.get(i), Duration.ofSeconds(15));
            assertEquals(paths.get(i), string(span, "url.path"));
            assertEquals(statuses.get(i).longValue(), integer(span, "http.response.status_code"), paths.get(i));
            assertEquals(bodies.get(i).longValue(), integer(span, "http.response.body.size"), paths.get(i));
            assertNull(bool(span, "cf520.risk"), paths.get(i));
            assertFalse(has(span, "cf520.client_abort"), paths.get(i));
        }
    }
}
