package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.stringArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opentelemetry.proto.trace.v1.Span;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 2,000 requests, healthy and faulty endpoints in a seeded random order, through nginx and HAProxy
 * over reused keep-alive client connections: every fault a proxy sees is flagged by the agent on
 * the span with that CF-Ray, no healthy request is flagged, and every request has exactly one span.
 * Writes {@code target/cf520-mixed-counts.json} (reason -> proxy-visible faults) for the metric check.
 * Re-run one order with {@code -Dcf520.mixed.seed=<seed>} (the seed is printed).
 */
class MixedTrafficIT {
    static final int REQUESTS = Integer.getInteger("cf520.mixed.requests", 2000);
    /** Client connections per proxy; each is reused until the proxy closes it. */
    static final int CONNECTIONS_PER_PROXY = 6;
    static final double FAULT_SHARE = 0.3;
    /**
     * Short stack traces: Tomcat logs every escaped Error with its trace, a StackOverflowError's is
     * 1,024 frames, and OriginProcess keeps each stderr line in a copy-on-write list; hundreds of those
     * traces make the child block on a full stderr pipe, every logging request thread with it, and
     * healthy error pages then take longer than the proxies' 2 s read timeout.
     */
    static final List<String> ORIGIN_FLAGS = List.of("-XX:MaxJavaStackTraceDepth=40");
    static final Path COUNTS_JSON = Paths.get("target", "cf520-mixed-counts.json");
    static final Path SUMMARY_JSON = Paths.get("target", "cf520-mixed-summary.json");

    /** One planned request. */
    static final class Planned {
        final String proxy;
        final Catalog.Case c;
        final String ray;
        volatile RawHttp.Response response;
        volatile int connection; // which client connection carried it
        volatile int onConnection; // its position on that connection (1 = first)

        Planned(String proxy, Catalog.Case c, String ray) {
            this.proxy = proxy;
            this.c = c;
            this.ray = ray;
        }
    }

    /** What the traffic showed. */
    static final class Outcome {
        final long seed;
        final List<Planned> plan;
        final Map<String, EdgeProxies.Verdict> verdicts = new HashMap<>();
        final Map<String, List<Span>> spans = new HashMap<>();
        /** reason -> proxy-visible faults attributed to it. */
        final Map<String, Integer> faultCounts = new TreeMap<>();
        final List<String> problems = new ArrayList<>();
        int connectionsOpened;
        /** HAProxy's unlogged silent closes (empty response on a reused client connection). */
        int silentAborts;
        /** Of those, on healthy endpoints the agent saw served cleanly. */
        int healthySilentAborts;
        /** HAProxy log lines that never came (dropped by HAProxy under load). */
        int haproxyUnlogged;
        int reusedRequests;
        double trafficSeconds;
        double pairingSeconds;

        Outcome(long seed, List<Planned> plan) {
            this.seed = seed;
            this.plan = plan;
        }
    }

    @Test
    void mixedTrafficThroughBothProxies() throws Exception {
        EdgeProxies.assumeInstalled();
        long seed = Long.getLong("cf520.mixed.seed", System.nanoTime());
        System.out.println("mixed traffic seed: " + seed + " (re-run with -Dcf520.mixed.seed=" + seed + ")");
        long t0 = System.nanoTime();
        Outcome o;
        Map<String, Long> scraped;
        Map<String, Long> overOtlp;
        Map<String, Long> expectedCounts;
        int prometheusPort = freePort();
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, String> settings = OriginProcess.testSettings(receiver);
            // alerting end to end: OTLP metrics to the receiver and a Prometheus scrape endpoint, at once
            settings.put("otel.metrics.exporter", "otlp,prometheus");
            settings.put("otel.exporter.prometheus.host", "127.0.0.1");
            settings.put("otel.exporter.prometheus.port", Integer.toString(prometheusPort));
            try (OriginProcess origin = OriginProcess.start(GroundTruthIT.TOMCAT_11, true, settings, Map.of(),
                    ORIGIN_FLAGS); EdgeProxies proxies = EdgeProxies.start(origin.port())) {
                assertNotNull(origin.awaitStderr(l -> l.contains(" active"), Duration.ofSeconds(30)),
                        "the agent started: " + origin.stderr());
                o = drive(receiver, proxies, seed, REQUESTS);
                System.out.println("proxy configs and logs: " + proxies.dir);
                Map<String, Long> expected = new java.util.TreeMap<>();
                o.faultCounts.forEach((k, v) -> expected.put(k, v.longValue()));
                scraped = RiskCounts.scrape("http://127.0.0.1:" + prometheusPort + "/metrics");
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                overOtlp = RiskCounts.otlp(receiver.metrics());
                while (!overOtlp.equals(expected) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    overOtlp = RiskCounts.otlp(receiver.metrics());
                }
                System.out.println("cf520_risk_events_total by reason (Prometheus scrape): " + scraped
                        + "; over OTLP: " + overOtlp + "; faults the proxies saw: " + expected);
                expectedCounts = expected;
            }
        }
        double total = (System.nanoTime() - t0) / 1e9;

        Files.createDirectories(COUNTS_JSON.getParent());
        Files.writeString(COUNTS_JSON, countsJson(o.faultCounts), StandardCharsets.UTF_8);
        Files.writeString(SUMMARY_JSON, summaryJson(o, total), StandardCharsets.UTF_8);
        System.out.println("HAProxy silent keep-alive drops on healthy requests (not attributed): " + o.healthySilentAborts
                + "; HAProxy log lines that never came: " + o.haproxyUnlogged);
        System.out.printf(Locale.ROOT, "mixed traffic: %d requests (%d faulty by the proxies) over %d client connections"
                + " (%d requests on a reused connection); traffic %.1f s, pairing %.1f s, total %.1f s; faults by reason %s%n",
                o.plan.size(), o.verdicts.values().stream().filter(EdgeProxies.Verdict::fault).count(), o.connectionsOpened,
                o.reusedRequests, o.trafficSeconds, o.pairingSeconds, total, o.faultCounts);

        assertEquals(REQUESTS, o.plan.size());
        assertTrue(o.reusedRequests > REQUESTS / 2, "most requests went over a reused keep-alive connection: "
                + o.reusedRequests + " of " + REQUESTS);
        assertTrue(o.haproxyUnlogged <= REQUESTS / 200, o.haproxyUnlogged + " HAProxy log lines missing: more than dropped lines");
        assertTrue(o.healthySilentAborts <= REQUESTS / 200, "HAProxy dropped " + o.healthySilentAborts
                + " reused client connections on healthy requests; a handful is the keep-alive race, more is a fault");
        assertTrue(o.faultCounts.size() >= 4, "the mix carried faults of several reasons: " + o.faultCounts);
        if (!o.problems.isEmpty()) {
            fail(o.problems.size() + " problem(s) in " + REQUESTS + " requests (seed " + seed + "):\n  "
                    + String.join("\n  ", o.problems.subList(0, Math.min(40, o.problems.size())))
                    + (o.problems.size() > 40 ? "\n  ..." : ""));
        }
        // after the per-request check, which names any disagreement by CF-Ray
        assertEquals(expectedCounts, scraped, "the scraped cf520_risk_events_total series equal the faults the proxies saw");
        assertEquals(expectedCounts, overOtlp, "the same counts arrive over OTLP metrics");
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The endpoints for one proxy: the catalogue without what the ground truth knows this proxy sees differently. */
    static List<Catalog.Case> cases(String proxy, boolean risky) {
        List<Catalog.Case> out = new ArrayList<>();
        for (Catalog.Case c : Catalog.tomcat()) {
            if (c.risky() == risky && !GroundTruthIT.KNOWN.containsKey(proxy + " " + c.path)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Sends {@code requests} requests (half per proxy, {@link #FAULT_SHARE} of them faulty, order
     * from {@code seed}), then pairs every proxy verdict with the agent's span and checks them.
     */
    static Outcome drive(OtlpReceiver receiver, EdgeProxies proxies, long seed, int requests) throws Exception {
        Random rnd = new Random(seed);
        List<Planned> plan = new ArrayList<>();
        Set<String> rays = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            String proxy = EdgeProxies.BOTH.get(i % 2);
            List<Catalog.Case> pool = cases(proxy, rnd.nextDouble() < FAULT_SHARE);
            String ray;
            do {
                ray = String.format("%016x-SJC", rnd.nextLong());
            } while (!rays.add(ray));
            plan.add(new Planned(proxy, pool.get(rnd.nextInt(pool.size())), ray));
        }
        Collections.shuffle(plan, rnd);
        Outcome o = new Outcome(seed, plan);

        // ---- traffic: per proxy, a few client connections reused until the proxy closes one
        long start = System.nanoTime();
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger reused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS_PER_PROXY * EdgeProxies.BOTH.size());
        List<Future<?>> workers = new ArrayList<>();
        for (String proxy : EdgeProxies.BOTH) {
            ConcurrentLinkedQueue<Planned> queue = new ConcurrentLinkedQueue<>();
            plan.stream().filter(p -> p.proxy.equals(proxy)).forEach(queue::add);
            int port = proxies.port(proxy);
            for (int w = 0; w < CONNECTIONS_PER_PROXY; w++) {
                workers.add(pool.submit(() -> {
                    Socket s = null;
                    int id = 0;
                    int n = 0;
                    try {
                        for (Planned p; (p = queue.poll()) != null; ) {
                            if (s == null) {
                                s = new Socket("127.0.0.1", port);
                                s.setSoTimeout(5000);
                                id = connections.incrementAndGet();
                                n = 0;
                            }
                            RawHttp.send(s.getOutputStream(), port, "GET", p.c.path, CatalogContract.edgeHeaders(p.ray));
                            p.response = RawHttp.read(s.getInputStream());
                            p.connection = id;
                            p.onConnection = ++n;
                            if (n > 1) {
                                reused.incrementAndGet();
                            }
                            if (!"open".equals(p.response.ending) || "close".equalsIgnoreCase(p.response.header("connection"))) {
                                s.close();
                                s = null;
                            }
                        }
                    } finally {
                        if (s != null) {
                            s.close();
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : workers) {
            f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
        o.trafficSeconds = (System.nanoTime() - start) / 1e9;
        o.connectionsOpened = connections.get();
        o.reusedRequests = reused.get();

        // ---- pairing
        long pairStart = System.nanoTime();
        for (String proxy : EdgeProxies.BOTH) {
            Map<String, Object[]> byRay = new LinkedHashMap<>();
            for (Planned p : plan) {
                if (p.proxy.equals(proxy)) {
                    byRay.put(p.ray, new Object[] {p.c.path, p.response, p.onConnection == 1});
                }
            }
            o.verdicts.putAll(proxies.verdicts(proxy, byRay, Duration.ofSeconds(30)));
        }
        Map<String, List<Span>> spans = awaitSpans(receiver, rays, Duration.ofSeconds(60));
        o.spans.putAll(spans);
        o.pairingSeconds = (System.nanoTime() - pairStart) / 1e9;

        // ---- checks
        for (Planned p : plan) {
            EdgeProxies.Verdict v = o.verdicts.get(p.ray);
            List<Span> found = spans.getOrDefault(p.ray, List.of());
            String where = p.proxy + " " + p.c.path + " ray " + p.ray + " (connection " + p.connection + ", request "
                    + p.onConnection + " on it)";
            if (found.size() != 1) {
                o.problems.add(where + ": " + found.size() + " spans, expected exactly 1");
            }
            List<String> agent = found.isEmpty() ? List.of() : stringArray(found.get(0), "cf520.reasons");
            if (!found.isEmpty()) {
                Span sp = found.get(0);
                where += " [span: status " + OtlpReceiver.integer(sp, "http.response.status_code") + ", client_abort "
                        + OtlpReceiver.bool(sp, "cf520.client_abort") + ", reasons " + agent + "; proxy client view "
                        + v.client() + "]";
            }
            if (v.logLine == null && EdgeProxies.silentKeepAliveAbort(v)) {
                o.silentAborts++;
            } else if (v.logLine == null && EdgeProxies.HAPROXY.equals(v.proxy)) {
                // HAProxy writes its log to stdout without blocking and drops lines when the pipe is
                // full (a loaded 2-core machine); the verdict then rests on what the client received
                o.haproxyUnlogged++;
            } else if (v.logLine == null) {
                o.problems.add(where + ": the proxy never logged this ray");
            } else if (v.originAttempts != 1) {
                o.problems.add(where + ": " + v.originAttempts + " origin attempts: " + v.logLine);
            }
            if (v.fault() && !p.c.risky() && EdgeProxies.silentKeepAliveAbort(v) && agent.isEmpty()) {
                // HAProxy dropped a reused client connection without a word on a healthy endpoint the
                // origin served cleanly: its upstream connection was most likely closed under it (the
                // keep-alive race of cf520's future idle_close_race). Counted and bounded below, not
                // attributed to the agent's reasons.
                o.healthySilentAborts++;
            } else if (v.fault()) {
                List<String> attributed = p.c.risky() ? p.c.reasons : List.of(impliedOrUnclassified(v));
                attributed.forEach(r -> o.faultCounts.merge(r, 1, Integer::sum));
                if (!p.c.risky()) {
                    o.problems.add(where + ": the proxy saw a fault on a healthy endpoint: " + v.evidence + "; client "
                            + v.client() + "; agent " + agent);
                }
                if (agent.isEmpty()) {
                    o.problems.add(where + ": proxy-visible fault NOT flagged by the agent: " + v.evidence);
                } else if (!agent.equals(p.c.reasons) && p.c.risky()) {
                    o.problems.add(where + ": flagged as " + agent + ", the catalogue says " + p.c.reasons);
                }
            } else {
                if (!agent.isEmpty()) {
                    o.problems.add(where + ": flagged " + agent + " but the proxy saw no fault (client " + v.client() + ")");
                }
                if (p.c.risky()) {
                    o.problems.add(where + ": the proxy saw no fault on a faulty endpoint (client " + v.client() + ")");
                }
            }
        }
        return o;
    }

    private static String impliedOrUnclassified(EdgeProxies.Verdict v) {
        String r = EdgeProxies.impliedReason(v);
        return r == null ? "(unclassified)" : r;
    }

    /** Spans by CF-Ray once every ray has one (or the time is up), after a short wait for late duplicates. */
    static Map<String, List<Span>> awaitSpans(OtlpReceiver receiver, Set<String> rays, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, List<Span>> byRay;
        do {
            byRay = byRay(receiver, rays);
            if (byRay.keySet().containsAll(rays)) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        Thread.sleep(1000);
        return byRay(receiver, rays);
    }

    private static Map<String, List<Span>> byRay(OtlpReceiver receiver, Set<String> rays) {
        Map<String, List<Span>> out = new ConcurrentHashMap<>();
        for (Span s : receiver.spans()) {
            for (String ray : stringArray(s, "http.request.header.cf-ray")) {
                if (rays.contains(ray)) {
                    out.computeIfAbsent(ray, k -> new ArrayList<>()).add(s);
                }
            }
        }
        return out;
    }

    static String countsJson(Map<String, Integer> counts) {
        StringBuilder b = new StringBuilder("{");
        String sep = "\n";
        for (Map.Entry<String, Integer> e : new TreeMap<>(counts).entrySet()) {
            b.append(sep).append("  ").append(GroundTruthIT.q(e.getKey())).append(": ").append(e.getValue());
            sep = ",\n";
        }
        return b.append("\n}\n").toString();
    }

    private static String summaryJson(Outcome o, double total) {
        Map<String, Integer> perProxy = new TreeMap<>();
        Map<String, Integer> faultsPerProxy = new TreeMap<>();
        Map<String, Integer> perPath = new TreeMap<>();
        for (Planned p : o.plan) {
            perProxy.merge(p.proxy, 1, Integer::sum);
            perPath.merge(p.c.path, 1, Integer::sum);
            if (o.verdicts.get(p.ray).fault()) {
                faultsPerProxy.merge(p.proxy, 1, Integer::sum);
            }
        }
        return String.format(Locale.ROOT, "{\n  \"seed\": %d,\n  \"requests\": %d,\n  \"requests_per_proxy\": %s,"
                + "\n  \"proxy_visible_faults_per_proxy\": %s,\n  \"requests_per_path\": %s,\n  \"faults_by_reason\": %s,"
                + "\n  \"haproxy_silent_keepalive_aborts\": %d,\n  \"client_connections\": %d,\n  \"requests_on_reused_connections\": %d,\n  \"traffic_seconds\": %.1f,"
                + "\n  \"pairing_seconds\": %.1f,\n  \"total_seconds\": %.1f,\n  \"problems\": %s\n}\n",
                o.seed, o.plan.size(), flat(perProxy), flat(faultsPerProxy), flat(perPath), flat(o.faultCounts),
                o.silentAborts, o.connectionsOpened, o.reusedRequests, o.trafficSeconds, o.pairingSeconds, total,
                GroundTruthIT.arr(o.problems));
    }

    private static String flat(Map<String, Integer> m) {
        return countsJson(m).replace("\n", " ").replaceAll("\\s+", " ").trim();
    }
}
