package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Idle keep-alive closes counted on Jetty 12.1 and 9.4 with a short {@code --idle-timeout}: N connections,
 * one request each, left idle until Jetty closes them (its FIN reaches the client), and C more the client
 * closes itself before that. Exactly N closes are counted (cf520.idle.closes over OTLP), each with its age
 * (cf520.idle.close.age) near the idle timeout; none is an idle_close_race (no request was sent after the
 * first response).
 */
class JettyIdleClosesIT {
    private static final int IDLE_MILLIS = 1000;
    private static final int IDLE = 5;
    private static final int CLIENT_CLOSED = 2;
    private static final int SWEEP_IDLE_MILLIS = 300;
    private static final Pattern RACED_PEER = Pattern.compile("reason=idle_close_race .*peer 127\\.0\\.0\\.1:(\\d+)\\)");
    private static final Pattern FLAGGED_RAY = Pattern.compile("520-risk ray=([0-9a-f]{16}-SJC) reason=");

    static Stream<OriginProcess.Runtime> jettys() {
        return jettys(IDLE_MILLIS);
    }

    static Stream<OriginProcess.Runtime> sweeps() {
        return jettys(SWEEP_IDLE_MILLIS);
    }

    private static Stream<OriginProcess.Runtime> jettys(int idleMillis) {
        return Stream.of(
                new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR).server("jetty").args("--idle-timeout", "" + idleMillis),
                JavaxContract.javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(), "jetty-9.4", "jetty")
                        .args("--idle-timeout", "" + idleMillis));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jettys")
    void idleKeepAliveClosesAreCountedOnceEach(OriginProcess.Runtime jetty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(jetty, true, OriginProcess.testSettings(receiver))) {
            int port = origin.port();
            warmUp(jetty, port);
            List<Socket> idle = new ArrayList<>();
            List<Long> answered = new ArrayList<>();
            try {
                for (int i = 0; i < IDLE + CLIENT_CLOSED; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(10_000);
                    RawHttp.send(s.getOutputStream(), port, "GET", "/hello", CatalogContract.edgeHeaders(CatalogContract.newRay()));
                    RawHttp.Response r = RawHttp.read(s.getInputStream());
                    assertEquals(200, r.status(), r.head());
                    assertEquals("open", r.ending, "a keep-alive response: " + r.head());
                    if (i < IDLE) {
                        idle.add(s);
                        answered.add(System.nanoTime());
                    } else {
                        s.close(); // the client closes first: not an idle close of the origin's
                    }
                }
                // Jetty's idle timeout shuts its output: the client reads the FIN
                List<Long> finMillis = new ArrayList<>();
                for (int i = 0; i < idle.size(); i++) {
                    InputStream in = idle.get(i).getInputStream();
                    int b;
                    try {
                        b = in.read();
                    } catch (SocketTimeoutException e) {
                        b = -2;
                    }
                    assertEquals(-1, b, "connection " + i + ": the origin closed it (FIN), nothing else");
                    finMillis.add((System.nanoTime() - answered.get(i)) / 1_000_000);
                }
                System.out.println(jetty + ": FIN after response, ms: " + finMillis);
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }

            Optional<Metric> closes = receiver.awaitMetric("cf520.idle.closes", m -> closes(m, port) >= IDLE,
                    Duration.ofSeconds(15));
            assertTrue(closes.isPresent(), "cf520.idle.closes for port " + port + ": " + origin.agentLines());
            Thread.sleep(1500); // three more exports: a late or second count of the same connections would show
            long counted = closes(receiver.awaitMetric("cf520.idle.closes", m -> true, Duration.ofSeconds(1)).get(), port);
            assertEquals(IDLE, counted, "one close per idle connection, none for the client's closes");

            HistogramDataPoint age = receiver.awaitMetric("cf520.idle.close.age", m -> ages(m, port) != null,
                    Duration.ofSeconds(5)).map(m -> ages(m, port)).orElseThrow();
            assertEquals(IDLE, age.getCount());
            double mean = age.getSum() / age.getCount();
            System.out.println(jetty + ": idle close age mean " + mean + " s, min " + age.getMin() + ", max " + age.getMax());
            assertTrue(mean >= IDLE_MILLIS / 1000.0 * 0.9 && mean < IDLE_MILLIS / 1000.0 * 5, "age near the timeout: " + mean);
            assertEquals(0, origin.stderr().stream().filter(l -> l.contains("reason=idle_close_race")).count(),
                    "no request was sent on an idle connection");
        }
    }

    /**
     * A sweep across the idle timeout: on each connection a second request sent within a few ms of the moment
     * Jetty closes it for idleness. Judged by count relations only: every close Jetty made is counted once (the
     * connections where the origin answered every request were closed by the client); each idle_close_race names
     * a connection whose request got no response; each exchange flagged on a second request (Jetty 12.1 runs the
     * application on a connection it closes outright) is one the client got no response on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sweeps")
    void aSweepAcrossTheIdleTimeoutReportsOnlyRequestsThatWereLost(OriginProcess.Runtime jetty) throws Exception {
        int connections = 120;
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(jetty, true, OriginProcess.testSettings(receiver))) {
            int port = origin.port();
            warmUp(jetty, port);
            Set<Integer> lostPorts = ConcurrentHashMap.newKeySet(); // client ports of connections the origin closed unanswered
            Set<String> lostRays = ConcurrentHashMap.newKeySet();
            Set<Integer> closedAfterAnswer = ConcurrentHashMap.newKeySet();
            Map<String, Integer> endings = new ConcurrentHashMap<>(); // request index: status/ending -> connections
            Set<String> keptOpenRays = ConcurrentHashMap.newKeySet(); // answered, on connections the origin kept open
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    all.add(pool.submit(() -> {
                        List<String> mine = new ArrayList<>();
                        try (Socket s = new Socket("127.0.0.1", port)) {
                            s.setSoTimeout(5000);
                            for (int request = 0; request < 2; request++) {
                                String ray = CatalogContract.newRay();
                                if (request == 1) {
                                    long micros = SWEEP_IDLE_MILLIS * 1000L + ThreadLocalRandom.current().nextLong(-3000, 3001);
                                    Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
                                }
                                RawHttp.Response r;
                                try {
                                    RawHttp.send(s.getOutputStream(), port, "GET", "/hello", CatalogContract.edgeHeaders(ray));
                                    r = RawHttp.read(s.getInputStream());
                                } catch (java.io.IOException e) {
                                    r = null;
                                }
                                endings.merge(request + ":" + (r == null ? "write failed" : r.status() + "/" + r.ending), 1,
                                        Integer::sum);
                                if (r == null || r.status() != 200 || !"open".equals(r.ending)) {
                                    lostPorts.add(s.getLocalPort());
                                    lostRays.add(ray);
                                    return null;
                                }
                                mine.add(ray);
                            }
                            // answered both; did Jetty close right after (the idle timeout fired as the second request
                            // was read, and its response still got out)? Its own next idle close is 300 ms away.
                            s.setSoTimeout(150);
                            try {
                                if (s.getInputStream().read() < 0) {
                                    closedAfterAnswer.add(s.getLocalPort());
                                }
                            } catch (SocketTimeoutException e) {
                                keptOpenRays.addAll(mine); // still open: the client closes it
                            } catch (java.io.IOException e) {
                                closedAfterAnswer.add(s.getLocalPort());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long expected = lostPorts.size() + closedAfterAnswer.size();
            Optional<Metric> closes = receiver.awaitMetric("cf520.idle.closes", m -> closes(m, port) >= expected,
                    Duration.ofSeconds(15));
            Thread.sleep(1500);
            long counted = receiver.awaitMetric("cf520.idle.closes", m -> true, Duration.ofSeconds(1)).map(m -> closes(m, port))
                    .orElse(0L);
            List<Integer> racedPeers = new ArrayList<>();
            List<String> flagged = new ArrayList<>();
            for (String l : origin.stderr()) {
                Matcher raced = RACED_PEER.matcher(l);
                if (raced.find()) {
                    racedPeers.add(Integer.parseInt(raced.group(1)));
                }
                Matcher ray = FLAGGED_RAY.matcher(l);
                if (ray.find()) {
                    flagged.add(ray.group(1));
                }
            }
            long flaggedLost = flagged.stream().filter(lostRays::contains).count();
            System.out.println(jetty + ": sweep of " + connections + " connections, idle timeout " + SWEEP_IDLE_MILLIS
                    + " ms +-3 ms: lost " + lostPorts.size() + ", closed right after an answer " + closedAfterAnswer.size()
                    + ", idle closes counted " + counted + ", idle_close_race " + racedPeers.size()
                    + ", exchanges flagged on a lost request " + flaggedLost + " (flagged in all " + flagged.size() + "); client saw "
                    + new java.util.TreeMap<>(endings));
            // Jetty's reader and its idle check run concurrently: a request read in the same instant as the
            // idle check can leave one close uncounted (seen once in 70 closes on a loaded 2-core machine);
            // the exact count is asserted on idle connections without requests in flight (the test above)
            assertTrue(Math.abs(expected - counted) <= Math.max(1, expected / 50),
                    "one idle close counted per connection the origin closed: " + counted + " of " + expected);
            Set<Integer> closedByOrigin = new java.util.HashSet<>(lostPorts);
            closedByOrigin.addAll(closedAfterAnswer);
            List<Integer> racedElsewhere = racedPeers.stream().filter(p -> !closedByOrigin.contains(p))
                    .collect(java.util.stream.Collectors.toList());
            System.out.println(jetty + ": idle_close_race on a lost request " + racedPeers.stream().filter(lostPorts::contains)
                    .count() + ", on a request answered before the close " + racedPeers.stream()
                    .filter(closedAfterAnswer::contains).count());
            assertEquals(List.of(), racedElsewhere, "each idle_close_race is a connection the origin closed");
            assertTrue(flagged.stream().noneMatch(keptOpenRays::contains),
                    "no request answered on a connection the origin kept is flagged: " + flagged);
        }
    }

    /**
     * A cold origin (class loading, the agent's first exchange) may take longer than a short idle timeout to answer
     * its first request: Jetty then times that exchange out (an exchange in progress, not an idle close; not
     * counted). One answered request on a connection of its own first; the client closes it.
     */
    static void warmUp(Object jetty, int port) throws Exception {
        for (int attempt = 1; ; attempt++) {
            RawHttp.Response w = RawHttp.get(port, "/hello", CatalogContract.edgeHeaders(CatalogContract.newRay()), 10_000);
            if (w.status() == 200) {
                return;
            }
            System.out.println(jetty + ": cold request not answered: " + w.ending);
            assertTrue(attempt < 3, "the origin answers once warm");
        }
    }

    private static long closes(Metric m, int port) {
        long n = 0;
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
            if (KeepAliveSettingsIT.port(p) == port && jetty(p.getAttributesList())) {
                n += p.getAsInt();
            }
        }
        return n;
    }

    private static HistogramDataPoint ages(Metric m, int port) {
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
            if (OtlpReceiver.attr(p.getAttributesList(), "server.port").map(v -> v.getIntValue()).orElse(-1L) == port
                    && jetty(p.getAttributesList()) && p.getCount() > 0) {
                return p;
            }
        }
        return null;
    }

    private static boolean jetty(List<io.opentelemetry.proto.common.v1.KeyValue> attrs) {
        return OtlpReceiver.attr(attrs, "cf520.container").map(v -> v.getStringValue()).orElse("").equals("jetty");
    }
}
