package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The keep-alive idle-close race (issue 7), reproduced against a real nginx and judged over a sweep: one subclass
 * per container names its {@link #runtime()} (the demo's {@code --idle-timeout} is added here).
 * <p>
 * nginx keeps its upstream connections for 900 s (as Cloudflare), does not retry ({@code proxy_next_upstream off}),
 * and holds one pooled connection per upstream ({@code keepalive 1}). Two origins run side by side, each behind
 * its own upstream: the <em>race</em> origin idles out after {@link #idleTimeoutMillis()}, the <em>control</em>
 * origin after 1000 s (above nginx's 900 s). A lane per origin sends probes one after another, each on a fresh
 * client connection to nginx (so nginx reuses its pooled upstream connection), each after an idle gap of T ms since
 * the previous response, T swept in small steps across the origin's close moment; each probe carries its CF-Ray.
 * <p>
 * Ground truth, independent of the agent: after each probe the lane reads /proc/net/tcp for the origin's
 * established connection (nginx's upstream connection as the origin holds it). nginx never closes a pooled
 * connection here (900 s, 100000 requests; after a 502 the origin had closed it already), so every distinct
 * upstream connection the lane saw, once gone, is one idle close by the origin. At the end the race lane waits
 * until its last connection is gone too. The agent must count exactly that many ({@code cf520.idle.closes} for the
 * origin's port): both sides count the same discrete events, there is no sampling, so the tolerance is zero.
 * <p>
 * Each 502 nginx logs (status, {@code $upstream_status}, {@code $msec}, its error line) must lie within
 * {@link #MATCH_MILLIS} of a close the agent counted (its DEBUG line "cf520 idle close", timestamped in the
 * origin's JVM at the close). The number of 502s is measured and reported, never asserted: the window is about
 * 1 ms wide. The agent's attributed races (idle_close_race spans and WARN lines) are listed beside them. The
 * control lane must see no 502 and no close. The per-run table goes to target/idle-race-{container}.md.
 */
abstract class IdleRaceSweep {
    /** nginx's upstream keep-alive, as Cloudflare's (seconds). */
    static final int PROXY_KEEPALIVE_SECONDS = 900;
    /** The control origin's idle timeout: above the proxy's. */
    static final long CONTROL_IDLE_MILLIS = 1_000_000;
    /**
     * How far a 502 may lie from the agent's close: both clocks are this machine's wall clock, nginx's $msec is
     * cached per event-loop turn (ms), and the agent stamps its line just before the socket is closed. Measured: most
     * 502s lie 0-4 ms from their close, some 10-30 ms when the loaded 2-core machine deschedules nginx's worker, and
     * up to 49 ms for an attributed race (the container closes only after the agent's WARN and span, the first of
     * which loads classes). Probes are a second apart, so within 200 ms a 502 can only match the close of its own
     * pooled connection; each 502 must also match a close of its own (one-to-one).
     */
    static final long MATCH_MILLIS = 200;

    /** A fresh runtime for the container under test (each origin gets its own {@code --idle-timeout}). */
    abstract OriginProcess.Runtime runtime();

    /** The container's name in the agent's telemetry (cf520.container), e.g. "tomcat". */
    abstract String container();

    /** Names the report, target/idle-race-NAME.md: the container, or more where two lines of it are swept. */
    String reportName() {
        return container();
    }

    /** The race origin's idle timeout (ms): short, so a probe costs about a second. */
    long idleTimeoutMillis() {
        return 1000;
    }

    /** The first gap swept, relative to the idle timeout (ms). */
    double firstOffsetMillis() {
        return -1.0;
    }

    /** The step between gaps (ms): the failure window is about 1 ms wide on loopback. */
    double stepMillis() {
        return 0.25;
    }

    /** Probes in the sweep (after a warm-up probe). */
    int probes() {
        return 34;
    }

    /** One probe: what the client got and what the origin held afterwards. */
    static final class Probe {
        final int index;
        final String ray;
        final double gapMillis;
        int status;
        String ending;
        long sentEpochMillis;
        /** nginx's end of the upstream connection the origin held after the probe; 0 when none. */
        int upstreamPort;
        // from nginx's log
        String proxyStatus = "-";
        String upstreamStatus = "-";
        long proxyMsec = -1;
        String proxyError = "";

        Probe(int index, String ray, double gapMillis) {
            this.index = index;
            this.ray = ray;
            this.gapMillis = gapMillis;
        }

        boolean is502() {
            return "502".equals(proxyStatus);
        }
    }

    /** One lane's run: its probes and the ground-truth count of idle closes it provoked. */
    static final class Lane {
        final String name;
        final int originPort;
        final List<Probe> probes = new ArrayList<>();
        final List<Integer> connections = new ArrayList<>();

        Lane(String name, int originPort) {
            this.name = name;
            this.originPort = originPort;
        }

        void saw(int port) {
            if (port != 0 && (connections.isEmpty() || connections.get(connections.size() - 1) != port)) {
                connections.add(port);
            }
        }

        /** Connections the lane saw that the origin no longer holds: each one an idle close. */
        int closed() throws IOException {
            List<Integer> open = established(originPort);
            return (int) connections.stream().filter(p -> !open.contains(p)).count();
        }

        long count502() {
            return probes.stream().filter(Probe::is502).count();
        }
    }

    @Test
    void sweepAcrossTheOriginsIdleClose() throws Exception {
        EdgeProxies.assumeInstalled();
        long started = System.nanoTime();
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            // the two origins start side by side (JVM start-up is most of this test's time beside the sweep)
            java.util.concurrent.CompletableFuture<OriginProcess> controlStart =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return origin(receiver, CONTROL_IDLE_MILLIS);
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
            OriginProcess race;
            try {
                race = origin(receiver, idleTimeoutMillis());
            } catch (Exception | AssertionError e) {
                controlStart.thenAccept(IdleRaceSweep::stop);
                throw e;
            }
            try (race; OriginProcess control = controlStart.get(90, TimeUnit.SECONDS);
                    Nginx nginx = Nginx.start(race.port(), control.port())) {
                sweepBehindNginx(receiver, race, control, nginx, started);
            }
        }
    }

    private static void stop(OriginProcess o) {
        try {
            o.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sweepBehindNginx(OtlpReceiver receiver, OriginProcess race, OriginProcess control, Nginx nginx,
            long started) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Lane r;
        Lane c;
        try {
            Future<Lane> rf = pool.submit(() -> sweep("race", nginx.racePort, race.port()));
            Future<Lane> cf = pool.submit(() -> sweep("control", nginx.controlPort, control.port()));
            r = rf.get(120, TimeUnit.SECONDS);
            c = cf.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        // the race lane's last connection idles out too; the control's stays (1000 s)
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis() + 3000);
        while (!established(race.port()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int provoked = r.closed();
        int controlClosed = c.closed();
        nginx.judge(r);
        nginx.judge(c);

        long counted = awaitClosesCounted(receiver, race.port(), provoked);
        long controlCounted = closesCounted(receiver, control.port());
        List<Instant> agentCloses = agentCloses(race);
        List<Span> raceSpans = raceSpans(receiver, race.port());
        List<String> raceWarns = race.agentLines().stream().filter(l -> l.contains("reason=idle_close_race"))
                .collect(Collectors.toList());
        Optional<HistogramDataPoint> age = age(receiver, race.port());
        String table = table(r, c, provoked, counted, agentCloses, raceSpans, raceWarns, age, controlClosed,
                controlCounted, (System.nanoTime() - started) / 1_000_000_000.0);
        Path out = Paths.get("target", "idle-race-" + reportName() + ".md");
        Files.writeString(out, table);
        String ctx = table + "\nrace origin agent lines:\n" + String.join("\n", race.agentLines());

        for (Lane lane : List.of(r, c)) {
            for (Probe p : lane.probes) {
                assertTrue(p.status == 200 || p.is502(), lane.name + " probe " + p.ray + ": the origin answered "
                        + p.status + " (" + p.upstreamStatus + "); only a 200 or the race's 502 is expected\n" + table);
            }
        }
        assertTrue(provoked > 0, "the sweep crossed the idle timeout, so the origin closed connections\n" + ctx);
        assertEquals(provoked, counted, "idle closes counted = idle closes the sweep provoked\n" + ctx);
        assertEquals(counted, agentCloses.size(), "one DEBUG line per counted close\n" + ctx);
        java.util.Set<Instant> matched = new java.util.HashSet<>();
        for (Probe p : r.probes) {
            if (p.is502()) {
                long d = nearest(agentCloses, p.proxyMsec);
                assertTrue(d <= MATCH_MILLIS, "502 of " + p.ray + " lies " + d + " ms from the nearest idle close the"
                        + " agent counted\n" + ctx);
                agentCloses.stream().filter(i -> Math.abs(i.toEpochMilli() - p.proxyMsec) == d).forEach(matched::add);
            }
        }
        assertEquals(r.count502(), matched.size(), "each 502 has an idle close of its own\n" + ctx);
        // a race the agent attributes is a request lost on a closing connection: with no retry, a 502 at nginx
        assertEquals(raceSpans.size(), raceWarns.size(), "one WARN line per attributed race\n" + ctx);
        for (Span s : raceSpans) {
            long at = s.getEndTimeUnixNano() / 1_000_000;
            assertTrue(r.probes.stream().anyMatch(p -> p.is502() && Math.abs(p.proxyMsec - at) <= MATCH_MILLIS),
                    "the race the agent attributed at " + Instant.ofEpochMilli(at) + " is a 502 at nginx\n" + ctx);
        }
        assertEquals(0, c.count502(), "control: origin outlasts the proxy, no 502\n" + ctx);
        assertEquals(0, controlClosed, "control: the origin closed nothing\n" + ctx);
        assertEquals(0, controlCounted, "control: the agent counted no idle close\n" + ctx);
        assertTrue(age.isPresent() && age.get().getCount() == counted, "one age per close\n" + ctx);
        assertTrue(age.get().getMin() >= idleTimeoutMillis() / 1000.0 - 0.1
                && age.get().getMax() <= idleTimeoutMillis() / 1000.0 + 1.5, "ages near the idle timeout\n" + ctx);
    }

    private OriginProcess origin(OtlpReceiver receiver, long idleMillis) throws Exception {
        Map<String, String> props = new java.util.LinkedHashMap<>(OriginProcess.testSettings(receiver));
        props.put("cf520.log-level", "debug"); // the "cf520 idle close" lines, with their time
        props.put("cf520.log-lines-per-minute", "100000");
        OriginProcess o = OriginProcess.start(runtime().args("--idle-timeout", Long.toString(idleMillis)), true, props);
        warmUp(o.port());
        return o;
    }

    /** Before the sweep, on the origin directly (not through the proxy): none by default. */
    void warmUp(int originPort) throws Exception {
    }

    /** A warm-up, then the sweep: each probe after a gap measured from the previous response. */
    private Lane sweep(String name, int proxyPort, int originPort) throws Exception {
        Lane lane = new Lane(name, originPort);
        long last = 0;
        for (int i = 0; i <= probes(); i++) {
            double gap = i == 0 ? 0 : idleTimeoutMillis() + firstOffsetMillis() + (i - 1) * stepMillis();
            Probe p = new Probe(i, ray(name, i), gap);
            try (Socket s = new Socket()) {
                long due = last + (long) (gap * 1_000_000);
                sleepUntil(due - 30_000_000L);
                s.connect(new InetSocketAddress("127.0.0.1", proxyPort), 2000);
                s.setSoTimeout(5000);
                s.setTcpNoDelay(true);
                while (last != 0 && System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                p.sentEpochMillis = System.currentTimeMillis();
                RawHttp.send(s.getOutputStream(), proxyPort, "GET", "/hello", Map.of("CF-Ray", p.ray));
                RawHttp.Response resp = RawHttp.read(s.getInputStream());
                last = System.nanoTime();
                p.status = resp.status();
                p.ending = resp.ending;
            }
            List<Integer> open = established(originPort);
            p.upstreamPort = open.isEmpty() ? 0 : open.get(0);
            lane.saw(p.upstreamPort);
            lane.probes.add(p);
        }
        return lane;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long ms = (nanos - System.nanoTime()) / 1_000_000;
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    private static final long RAY_SEED = new java.util.Random().nextLong() & 0x0fffffffffff0000L;

    /** A CF-Ray per probe: 16 hex digits (run, lane, probe) and a colo. */
    private static String ray(String lane, int i) {
        return String.format(Locale.ROOT, "%016x-LHR", RAY_SEED | ("race".equals(lane) ? 0 : 0x8000) | i);
    }

    /**
     * nginx's ends (remote ports) of the connections the origin holds established on its port, from /proc/net/tcp
     * and tcp6 (a JVM listens on a dual-stack socket: IPv4 peers show there as v4-mapped addresses).
     */
    static List<Integer> established(int originPort) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Paths.get(table);
            for (String line : Files.exists(p) ? Files.readAllLines(p, StandardCharsets.US_ASCII) : List.<String>of()) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].contains(":") && f[2].contains(":") && "01".equals(f[3])
                        && Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) == originPort) {
                    out.add(Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16));
                }
            }
        }
        return out;
    }

    private static final Pattern CLOSE_LINE = Pattern.compile("^(\\S+)\\s+DEBUG .*cf520 idle close: ");

    /** When the agent counted each close: its DEBUG lines, stamped in the origin's JVM. */
    private static List<Instant> agentCloses(OriginProcess origin) {
        List<Instant> out = new ArrayList<>();
        for (String l : origin.stderr()) {
            Matcher m = CLOSE_LINE.matcher(l);
            if (m.find()) {
                out.add(Instant.parse(m.group(1)));
            }
        }
        return out;
    }

    private static long nearest(List<Instant> closes, long epochMillis) {
        return closes.stream().mapToLong(i -> Math.abs(i.toEpochMilli() - epochMillis)).min().orElse(Long.MAX_VALUE);
    }

    private static long port(List<io.opentelemetry.proto.common.v1.KeyValue> attrs) {
        return OtlpReceiver.attr(attrs, "server.port").map(v -> v.getIntValue()).orElse(-1L);
    }

    /** The latest cumulative cf520.idle.closes for the port (0 when none was exported). */
    static long closesCounted(OtlpReceiver receiver, int originPort) {
        long v = 0;
        for (Metric m : receiver.metrics()) {
            if (m.getName().equals("cf520.idle.closes")) {
                for (NumberDataPoint d : m.getSum().getDataPointsList()) {
                    if (port(d.getAttributesList()) == originPort) {
                        v = d.getAsInt();
                    }
                }
            }
        }
        return v;
    }

    /** Waits until the counter reached {@code expected} (or 5 s), then one more export, to see an overshoot too. */
    static long awaitClosesCounted(OtlpReceiver receiver, int originPort, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (closesCounted(receiver, originPort) < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1200);
        return closesCounted(receiver, originPort);
    }

    static Optional<HistogramDataPoint> age(OtlpReceiver receiver, int originPort) {
        HistogramDataPoint last = null;
        for (Metric m : receiver.metrics()) {
            if (m.getName().equals("cf520.idle.close.age")) {
                for (HistogramDataPoint d : m.getHistogram().getDataPointsList()) {
                    if (port(d.getAttributesList()) == originPort) {
                        last = d;
                    }
                }
            }
        }
        return Optional.ofNullable(last);
    }

    private static List<Span> raceSpans(OtlpReceiver receiver, int originPort) {
        return receiver.spans().stream().filter(s -> s.getName().equals("idle close"))
                .filter(s -> port(s.getAttributesList()) == originPort).collect(Collectors.toList());
    }

    private String table(Lane r, Lane c, int provoked, long counted, List<Instant> closes, List<Span> spans,
            List<String> warns, Optional<HistogramDataPoint> age, int controlClosed, long controlCounted, double secs) {
        StringBuilder b = new StringBuilder();
        b.append("# Idle-close race sweep: ").append(container()).append(" (").append(runtime()).append(")\n\n")
                .append("nginx upstream keepalive 1, keepalive_timeout ").append(PROXY_KEEPALIVE_SECONDS)
                .append(" s, proxy_next_upstream off; gaps ").append(idleTimeoutMillis() + firstOffsetMillis())
                .append(" .. ").append(idleTimeoutMillis() + firstOffsetMillis() + (probes() - 1) * stepMillis())
                .append(" ms, step ").append(stepMillis()).append(" ms; run ")
                .append(String.format(Locale.ROOT, "%.1f", secs)).append(" s\n\n")
                .append("| run | origin idle timeout | probes | 502s | idle closes (connections gone) "
                        + "| closes counted (cf520.idle.closes) | races attributed (spans / WARN) |\n")
                .append("|---|---|---|---|---|---|---|\n")
                .append("| race | ").append(idleTimeoutMillis()).append(" ms | ").append(r.probes.size()).append(" | ")
                .append(r.count502()).append(" | ").append(provoked).append(" | ").append(counted).append(" | ")
                .append(spans.size()).append(" / ").append(warns.size()).append(" |\n")
                .append("| control | ").append(CONTROL_IDLE_MILLIS / 1000).append(" s | ").append(c.probes.size())
                .append(" | ").append(c.count502()).append(" | ").append(controlClosed).append(" | ")
                .append(controlCounted).append(" | - |\n\n");
        age.ifPresent(a -> b.append(String.format(Locale.ROOT,
                "Close ages (cf520.idle.close.age): count %d, min %.3f s, mean %.3f s, max %.3f s%n%n", a.getCount(),
                a.getMin(), a.getCount() == 0 ? 0 : a.getSum() / a.getCount(), a.getMax())));
        b.append("| probe | ray | gap ms | client | nginx status | upstream_status | nginx error | upstream conn "
                + "| nearest agent close ms | race attributed |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Probe p : r.probes) {
            long d = p.proxyMsec < 0 ? -1 : nearest(closes, p.proxyMsec);
            boolean attributed = spans.stream().anyMatch(s -> Math.abs(s.getEndTimeUnixNano() / 1_000_000 - p.proxyMsec)
                    <= MATCH_MILLIS);
            b.append("| ").append(p.index).append(" | ").append(p.ray).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", p.gapMillis)).append(" | ").append(p.status).append(' ')
                    .append(p.ending).append(" | ").append(p.proxyStatus).append(" | ").append(p.upstreamStatus)
                    .append(" | ").append(p.proxyError).append(" | ").append(p.upstreamPort).append(" | ")
                    .append(d == Long.MAX_VALUE ? "none" : Long.toString(d)).append(" | ").append(attributed ? "yes" : "")
                    .append(" |\n");
        }
        if (!warns.isEmpty()) {
            b.append("\nAttributed races (WARN):\n\n");
            warns.forEach(w -> b.append("    ").append(w).append('\n'));
        }
        return b.toString();
    }

    /** nginx in front of both origins: one server and one single-connection upstream pool per origin. */
    static final class Nginx implements AutoCloseable {
        final Path dir;
        final Process process;
        final int racePort;
        final int controlPort;

        private Nginx(Path dir, Process process, int racePort, int controlPort) {
            this.dir = dir;
            this.process = process;
            this.racePort = racePort;
            this.controlPort = controlPort;
        }

        static Nginx start(int raceOrigin, int controlOrigin) throws Exception {
            Path dir = Files.createTempDirectory(Files.createDirectories(Paths.get("target", "idle-race")).toAbsolutePath(),
                    "nginx-");
            Files.createDirectories(dir.resolve("tmp"));
            int racePort = EdgeProxies.freePort();
            int controlPort = EdgeProxies.freePort();
            boolean root = "root".equals(System.getProperty("user.name"));
            String conf = (root ? "user root;\n" : "")
                    + "worker_processes 1;\n" // one worker: error and access lines in one file, in event order
                    + "pid " + dir.resolve("nginx.pid") + ";\n"
                    + "error_log " + dir.resolve("combined.log") + " info;\n"
                    + "events { worker_connections 256; }\n"
                    + "http {\n"
                    + "  client_body_temp_path " + dir.resolve("tmp/client_body") + ";\n"
                    + "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";\n"
                    + "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";\n"
                    + "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";\n"
                    + "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";\n"
                    + "  log_format sweep 'ray=$http_cf_ray conn=$connection msec=$msec status=$status"
                    + " upstream_status=$upstream_status upstream_addr=$upstream_addr';\n"
                    + "  access_log " + dir.resolve("combined.log") + " sweep;\n"
                    + upstream("race_origin", raceOrigin) + upstream("control_origin", controlOrigin)
                    + server(racePort, "race_origin") + server(controlPort, "control_origin")
                    + "}\n";
            Files.writeString(dir.resolve("nginx.conf"), conf);
            Process p = new ProcessBuilder(EdgeProxies.binary(EdgeProxies.NGINX).toString(), "-p", dir + "/", "-c",
                    dir.resolve("nginx.conf").toString(), "-e", dir.resolve("startup.log").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            Nginx n = new Nginx(dir, p, racePort, controlPort);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            for (int port : new int[] {racePort, controlPort}) {
                while (true) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                        break;
                    } catch (IOException notYet) {
                        if (!p.isAlive() || System.nanoTime() > deadline) {
                            n.close();
                            throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("stdout.log")));
                        }
                        Thread.sleep(50);
                    }
                }
            }
            return n;
        }

        private static String upstream(String name, int originPort) {
            return "  upstream " + name + " {\n"
                    + "    server 127.0.0.1:" + originPort + ";\n"
                    + "    keepalive 1;\n" // one pooled connection, reused by every probe
                    + "    keepalive_timeout " + PROXY_KEEPALIVE_SECONDS + "s;\n"
                    + "    keepalive_requests 100000;\n"
                    + "  }\n";
        }

        private static String server(int port, String upstream) {
            return "  server {\n"
                    + "    listen 127.0.0.1:" + port + ";\n"
                    + "    location / {\n"
                    + "      proxy_pass http://" + upstream + ";\n"
                    + "      proxy_http_version 1.1;\n"
                    + "      proxy_set_header Connection \"\";\n"
                    + "      proxy_set_header Host $http_host;\n" // not the upstream's name (an underscore: a 400)
                    + "      proxy_next_upstream off;\n" // no retry: a dead pooled connection shows as a 502
                    + "      proxy_read_timeout 5s;\n"
                    + "    }\n"
                    + "  }\n";
        }

        private static final Pattern ERROR = Pattern.compile("^\\d{4}/\\d\\d/\\d\\d \\S+ \\[(\\w+)\\] \\d+#\\d+: \\*(\\d+) (.*)$");

        /** Fills each probe's proxy status, upstream status, time and upstream error line from the log. */
        void judge(Lane lane) throws Exception {
            Map<String, Probe> byRay = new HashMap<>();
            lane.probes.forEach(p -> byRay.put(p.ray, p));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                Map<String, List<String>> errors = new HashMap<>();
                int found = 0;
                for (String line : Files.readAllLines(dir.resolve("combined.log"), StandardCharsets.ISO_8859_1)) {
                    Matcher m = ERROR.matcher(line);
                    if (m.matches() && EdgeProxies.isUpstreamFault(m.group(1), m.group(3))) {
                        errors.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(EdgeProxies.nginxMessageCore(line));
                    } else if (line.startsWith("ray=")) {
                        Map<String, String> f = EdgeProxies.fields(line);
                        Probe p = byRay.get(f.get("ray"));
                        if (p != null) {
                            found++;
                            p.proxyStatus = f.get("status");
                            p.upstreamStatus = f.get("upstream_status");
                            p.proxyMsec = Math.round(Double.parseDouble(f.get("msec")) * 1000);
                            List<String> e = errors.remove(f.get("conn"));
                            p.proxyError = e == null ? "" : String.join("; ", e).replace('|', '/');
                        }
                    }
                }
                if (found == lane.probes.size() || System.nanoTime() > deadline) {
                    assertEquals(lane.probes.size(), found, "nginx logged every probe of lane " + lane.name);
                    return;
                }
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM to this child only (the master stops its worker)
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
