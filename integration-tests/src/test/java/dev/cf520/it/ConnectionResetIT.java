package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * connection_reset on the wire: uploads through real HAProxy to {@code /upload}, which answers a body over 1 MiB
 * with an early 413 without reading it. Where the container then closes the connection with request bytes in the
 * kernel's queue, the kernel resets it (RST) and HAProxy logs the server's abort (termination state S*): the
 * agent must report connection_reset on that Ray ID, either on the exchange's own span or on a "connection reset"
 * span (when the container closed after the exchange ended). An upload the servlet reads in full must not be
 * reported. (nginx, the other stand-in, passes the 413 on and logs nothing at its default level: HAProxy is the
 * witness here.) Each run writes {@code target/connection-reset-<container>.md}.
 */
class ConnectionResetIT {
    private static final int ROUNDS = 4;
    private static final int BIG = 8 * 1024 * 1024;
    private static final int SMALL = 256 * 1024;

    /**
     * Each container, and whether it resets: Tomcat swallows at most maxSwallowSize (2 MiB) of an unread body, then
     * closes; Jetty 12 consumes what is available, then closes; Undertow's cleanClose closes as soon as one more byte
     * can be read. Jetty 9.4 shuts its output down after the 413 and reads the rest of the body to its end before it
     * closes (HttpConnection.onCompleted, then the parser discards to EOF): no reset, so nothing to report.
     * Then the share of aborts that may go unreported: Jetty 12 can close before the rest of the body behind HAProxy
     * has reached the socket; the peek at its close then finds nothing unread, and the kernel resets the bytes that
     * arrive after (seen with a debug build here, 0 bytes unread at such a close; from none to two of four aborts a
     * run on this 2-core machine; README, "not seen"). The others close with the bytes already queued.
     */
    static Stream<Arguments> containers() {
        return Stream.of(
                Arguments.of(new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR), true, 0),
                Arguments.of(new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR).server("jetty"), true, 50),
                Arguments.of(JavaxContract.javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(),
                        "jetty-9.4", "jetty"), false, 0),
                Arguments.of(UndertowIdleClosesIT.demo(), true, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containers")
    void anUploadAnsweredWithoutReadingItIsReportedWhereTheOriginResets(OriginProcess.Runtime rt, boolean resets,
            int unseenPercent) throws Exception {
        EdgeProxies.assumeInstalled();
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(rt, true, OriginProcess.testSettings(receiver));
                EdgeProxies edge = EdgeProxies.start(origin.port())) {
            RawHttp.get(origin.port(), "/hello", Map.of(), 5000); // warm up, without a Ray ID
            Map<String, Integer> sizes = new LinkedHashMap<>();
            for (int i = 0; i < ROUNDS; i++) {
                for (int size : new int[] {BIG, SMALL}) {
                    String ray = CatalogContract.newRay();
                    sizes.put(ray, size);
                    upload(edge.port(EdgeProxies.HAPROXY), size, ray);
                }
            }
            Map<String, String> termination = awaitHaproxyLog(edge, sizes.keySet());
            Map<String, String> reported = awaitExchangeSpans(receiver, sizes.keySet());

            StringBuilder report = new StringBuilder("# connection_reset, " + rt + "\n\n| upload | HAProxy status, termination"
                    + " | cf520 |\n|---|---|---|\n");
            int serverAborts = 0;
            int reportedResets = 0;
            for (Map.Entry<String, Integer> e : sizes.entrySet()) {
                String ray = e.getKey();
                report.append("| ").append(e.getValue() / 1024).append(" KiB | ").append(termination.get(ray))
                        .append(" | ").append(reported.get(ray)).append(" |\n");
                serverAborts += termination.get(ray).contains(" S") ? 1 : 0;
                reportedResets += reset(reported.get(ray)) ? 1 : 0;
            }
            report.append("\nHAProxy saw the origin abort ").append(serverAborts).append(" of ").append(sizes.size())
                    .append(" uploads; cf520 reported connection_reset on ").append(reportedResets).append(".\n");
            Files.writeString(Paths.get("target", "connection-reset-" + rt.toString().replace('/', '-') + ".md"),
                    report.toString());

            int unseen = 0;
            for (Map.Entry<String, Integer> e : sizes.entrySet()) {
                String ray = e.getKey();
                if (termination.get(ray).contains(" S") && !reset(reported.get(ray))) {
                    unseen++;
                    assertTrue(unseen * 100 <= serverAborts * unseenPercent, "HAProxy saw the origin abort the upload"
                            + " with Ray ID " + ray + ", so the agent must report it:\n" + report);
                }
                if (e.getValue() == SMALL) {
                    assertEquals("-", reported.get(ray), "the servlet read this upload in full:\n" + report);
                }
            }
            if (resets) {
                assertTrue(serverAborts > 0, "this container resets an upload it answered unread:\n" + report);
            } else {
                assertEquals(0, serverAborts + reportedResets, "this container reads the unread body to its end:\n"
                        + report);
            }
        }
    }

    /**
     * One POST on a fresh connection to the proxy: the body is written by another thread (the proxy may answer, and
     * the origin reset, before it is all sent), the response read in full so the client never closes with unread bytes.
     */
    private static void upload(int port, int size, String ray) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            Map<String, String> headers = new LinkedHashMap<>(CatalogContract.edgeHeaders(ray));
            headers.put("Content-Type", "application/octet-stream");
            headers.put("Content-Length", Integer.toString(size));
            headers.put("Connection", "close");
            OutputStream out = s.getOutputStream();
            RawHttp.send(out, port, "POST", "/upload", headers);
            Thread writer = new Thread(() -> {
                byte[] block = new byte[64 * 1024];
                try {
                    for (int left = size; left > 0; left -= block.length) {
                        out.write(block, 0, Math.min(left, block.length));
                    }
                    out.flush();
                } catch (IOException e) {
                    // the proxy gave up on the body: the response says why
                }
            }, "upload-writer");
            writer.start();
            RawHttp.read(s.getInputStream()); // HAProxy may reset this side too, as it closes with the body unread
            writer.join(10_000);
        }
    }

    /** Ray ID to "status termination-state" from HAProxy's log lines. */
    private static Map<String, String> awaitHaproxyLog(EdgeProxies edge, Iterable<String> rays) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            for (String line : edge.haproxyLog()) {
                Map<String, String> f = EdgeProxies.fields(line);
                if (f.get("ray") != null && f.get("ts") != null) {
                    out.put(f.get("ray"), f.get("status") + " " + f.get("ts"));
                }
            }
            boolean all = true;
            for (String ray : rays) {
                all &= out.containsKey(ray);
            }
            if (all || System.nanoTime() > deadline) {
                for (String ray : rays) {
                    assertTrue(out.containsKey(ray), "HAProxy logged no line for Ray ID " + ray + ":\n"
                            + String.join("\n", edge.haproxyLog()));
                }
                return out;
            }
            Thread.sleep(100);
        }
    }

    /**
     * Ray ID to what the agent reported for it: the exchange span's cf520.reason, and a "connection reset" span's
     * when one followed the exchange's (marked "after end"); "-" for none.
     */
    private static Map<String, String> awaitExchangeSpans(OtlpReceiver receiver, Iterable<String> rays) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String ray : rays) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (receiver.spansWithRay(ray).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(200); // a "connection reset" span may follow the exchange's
            List<Span> spans = receiver.spansWithRay(ray);
            assertTrue(!spans.isEmpty(), "no span for Ray ID " + ray);
            List<String> reasons = new ArrayList<>();
            for (Span s : spans) {
                String reason = string(s, "cf520.reason");
                if (reason != null) {
                    reasons.add(reason + ("connection reset".equals(s.getName()) ? " (after end)" : ""));
                }
            }
            out.put(ray, reasons.isEmpty() ? "-" : String.join(", ", reasons));
        }
        return out;
    }

    private static boolean reset(String reported) {
        return reported.startsWith("connection_reset");
    }
}
