package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.bool;
import static dev.cf520.it.OtlpReceiver.has;
import static dev.cf520.it.OtlpReceiver.integer;
import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Jetty 9.4 beyond the catalogue: the peer hanging up mid-body (Jetty's write fails, the servlet's
 * EofException aborts the channel), a keep-alive connection carrying sync, async, async timeout and error
 * exchanges, each ending once at HttpChannel.onCompleted, and HTTPS, where the connection's EndPoint is
 * SslConnection's DecryptedEndPoint and the socket below only sees TLS records.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Jetty9BehaviourIT {
    private OtlpReceiver receiver;
    private OriginProcess origin;

    private int tlsPort;

    @BeforeAll
    void start() throws Exception {
        receiver = new OtlpReceiver();
        Map<String, String> settings = OriginProcess.testSettings(receiver);
        settings.put("cf520.fixture.tls-keystore", selfSignedKeyStore().toString());
        settings.put("cf520.fixture.output-buffer", "256");
        origin = OriginProcess.start(JavaxContract.javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(),
                "jetty-9.4", "jetty"), true, settings);
        for (long deadline = System.nanoTime() + 10_000_000_000L; tlsPort == 0 && System.nanoTime() < deadline; ) {
            for (String line : origin.stdout()) {
                Matcher m = TLS_LINE.matcher(line);
                if (m.find()) {
                    tlsPort = Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(20);
        }
        assertTrue(tlsPort > 0, "the origin's TLS connector: " + origin.stdout());
    }

    private static final Pattern TLS_LINE = Pattern.compile("tls: https://127\\.0\\.0\\.1:(\\d+)");

    /** A PKCS12 key store with a fresh self-signed key (password changeit), made by the JDK's keytool. */
    private static Path selfSignedKeyStore() throws Exception {
        Path dir = Files.createTempDirectory("cf520-tls");
        Path store = dir.resolve("origin.p12");
        Process keytool = new ProcessBuilder(OriginProcess.java17().resolve("bin/keytool").toString(), "-genkeypair",
                "-alias", "origin", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), out);
        store.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return store;
    }

    /** Trusts any certificate: the test's own self-signed origin, on loopback. */
    private static SSLSocketFactory trustingAll() throws Exception {
        X509TrustManager any = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {any}, null);
        return ctx.getSocketFactory();
    }

    @Test
    void overTlsThePlainResponseBytesAreJudged() throws Exception {
        List<String> paths = List.of("/hello", "/stream", "/download", "/fault/invalid-status", "/json");
        List<String> rays = new ArrayList<>();
        List<Integer> bodies = new ArrayList<>();
        try (SSLSocket s = (SSLSocket) trustingAll().createSocket("127.0.0.1", tlsPort)) {
            s.setSoTimeout(10_000);
            for (String path : paths) {
                String ray = CatalogContract.newRay();
                rays.add(ray);
                RawHttp.send(s.getOutputStream(), tlsPort, "GET", path, CatalogContract.edgeHeaders(ray));
                RawHttp.Response r = RawHttp.read(s.getInputStream());
                assertEquals("open", r.ending, path);
                bodies.add(r.payloadBytes());
            }
        }
        for (int i = 0; i < paths.size(); i++) {
            Span span = receiver.awaitOneSpan(rays.get(i), Duration.ofSeconds(15));
            assertEquals("https", string(span, "url.scheme"), paths.get(i));
            assertEquals(tlsPort, integer(span, "server.port").intValue(), paths.get(i));
            assertEquals(bodies.get(i).longValue(), integer(span, "http.response.body.size"), paths.get(i));
            boolean invalid = paths.get(i).equals("/fault/invalid-status");
            assertEquals(invalid ? 600L : 200L, integer(span, "http.response.status_code"), paths.get(i));
            assertEquals(invalid ? "invalid_status" : null, string(span, "cf520.reason"), paths.get(i));
        }
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
    void aSlowServletIsOneSlowResponseWithOneWatchdogLine() throws Exception {
        String ray = CatalogContract.newRay();
        CompletableFuture<RawHttp.Response> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.get(origin.port(), "/fault/slow?seconds=4", CatalogContract.edgeHeaders(ray), 10_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the edge read timeout of the test settings is 2 s: the watchdog flags the exchange while it runs
        assertNotNull(origin.awaitStderr(l -> l.contains("520-risk ray=" + ray + " reason=slow_response"),
                Duration.ofSeconds(10)), "watchdog line");
        Catalog.complete(200).accept(answer.get(30, TimeUnit.SECONDS));
        Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
        assertEquals("slow_response", string(span, "cf520.reason"));
        assertEquals(524L, integer(span, "cf520.predicted_status"));
        assertEquals(200L, integer(span, "http.response.status_code"));
        assertEquals(1, origin.stderr().stream().filter(l -> l.contains(ray)).count(), "one line, not a second at the end");
    }

    @Test
    void aCommittedBodyShortOfItsLengthIsAbortedByJettyNotByThePeer() throws Exception {
        // with a 256-byte response buffer the 412 bytes commit the response before the servlet returns; Jetty
        // then finds less content than the Content-Length and aborts with its own "insufficient content written"
        String ray = CatalogContract.newRay();
        RawHttp.Response r = RawHttp.get(origin.port(), "/fault/truncated-body", CatalogContract.edgeHeaders(ray), 5000);
        assertEquals(200, r.status());
        assertEquals("10000", r.header("content-length"));
        assertEquals(412, r.bodyBytes());
        assertEquals("closed", r.ending, "Jetty closed the connection");
        Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
        assertFalse(has(span, "cf520.client_abort"), "Jetty's own abort, with the peer still there");
        assertEquals(List.of("exception_after_commit", "truncated_body"), OtlpReceiver.stringArray(span, "cf520.reasons"));
        assertFalse(has(span, "cf520.cause"), "no exception: Jetty aborted for the missing bytes");
        assertEquals(412L, integer(span, "http.response.body.size"));
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
