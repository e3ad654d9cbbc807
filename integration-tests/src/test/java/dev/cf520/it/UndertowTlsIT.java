package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.bool;
import static dev.cf520.it.OtlpReceiver.integer;
import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on Undertow, as an edge that talks TLS to the origin: the bytes are read as plaintext where every
 * TLS write goes through (SslConduit.doWrap), never as the ciphertext XNIO's socket conduit sees.
 */
class UndertowTlsIT {
    private static final Pattern HTTPS = Pattern.compile("also on https://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void httpsExchangesAreJudgedOnTheirPlaintext(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("origin.p12");
        Process keytool = new ProcessBuilder(OriginProcess.java17().resolve("bin/keytool").toString(), "-genkeypair",
                "-alias", "origin", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool made a key store");
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, String> props = OriginProcess.testSettings(receiver);
            props.put("cf520.demo.https-keystore", keystore.toString());
            try (OriginProcess origin = OriginProcess.start(new OriginProcess.Runtime("undertow/java-17/https",
                    OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR).server("undertow"), true, props)) {
                int port = origin.stdout().stream().map(HTTPS::matcher).filter(Matcher::find)
                        .mapToInt(m -> Integer.parseInt(m.group(1))).findFirst().orElseThrow();
                get(port, "/hello", 15_000); // the first exchange pays for class loading (see CatalogContract)

                RawHttp.Response hello = checked(receiver, port, "/hello", null);
                assertEquals(200, hello.status());
                RawHttp.Response download = checked(receiver, port, "/download", null);
                assertEquals(5 * 1024 * 1024, download.bodyBytes(), "large TLS writes, each taken in parts");
                RawHttp.Response file = checked(receiver, port, "/static/big.bin", null);
                assertEquals(1024 * 1024, file.bodyBytes(), "a static file: transferFrom through the TLS conduit");
                RawHttp.Response cut = checked(receiver, port, "/fault/truncated-body", "truncated_body");
                assertEquals("10000", cut.header("content-length"));
                assertEquals(412, cut.bodyBytes());
            }
        }
    }

    private static RawHttp.Response checked(OtlpReceiver receiver, int port, String path, String reason) throws Exception {
        String ray = CatalogContract.newRay();
        RawHttp.Response r = get(port, path, 1500, ray);
        Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
        assertEquals("https", string(span, "url.scheme"), path);
        assertEquals(Boolean.TRUE, bool(span, "cf520.judged"), path);
        assertEquals(200L, integer(span, "http.response.status_code"), path);
        assertEquals(r.payloadBytes(), integer(span, "http.response.body.size").intValue(), path + ": body bytes");
        if (reason == null) {
            assertNull(bool(span, "cf520.risk"), path);
        } else {
            assertNotNull(bool(span, "cf520.risk"), path);
            assertEquals(reason, string(span, "cf520.reason"), path);
        }
        return r;
    }

    private static RawHttp.Response get(int port, String path, int idleMillis) throws Exception {
        return get(port, path, idleMillis, null);
    }

    private static RawHttp.Response get(int port, String path, int idleMillis, String ray) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustingManager()}, null);
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(idleMillis);
            RawHttp.send(s.getOutputStream(), port, "GET", path,
                    ray == null ? Map.of() : CatalogContract.edgeHeaders(ray));
            return RawHttp.read(new FilterInputStream(s.getInputStream()) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return super.read(b, off, len);
                    } catch (SSLException e) {
                        return -1; // the origin dropped the connection without a close_notify
                    }
                }
            });
        }
    }

    /** The origin's certificate is self-signed for the test. */
    private static final class TrustingManager implements X509TrustManager {
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
    }
}
