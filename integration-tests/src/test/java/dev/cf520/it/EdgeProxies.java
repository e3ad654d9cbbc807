package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Real nginx and HAProxy in front of an origin, as the edge's stand-ins: configs generated into a
 * temp directory, both run in the foreground as child processes on 127.0.0.1, configured like
 * Cloudflare's documented limits rather than the proxies' defaults (128 KiB of response headers,
 * HTTP/1.1 keep-alive to the origin, one origin attempt per request), with short upstream read
 * timeouts so a stalled body costs seconds, not minutes. Each request's verdict is read back from
 * the proxy's own logs by CF-Ray and from what the client received.
 */
final class EdgeProxies implements AutoCloseable {
    static final String NGINX = "nginx";
    static final String HAPROXY = "haproxy";
    static final List<String> BOTH = List.of(NGINX, HAPROXY);
    /** Upstream read timeout of both proxies, seconds (Cloudflare's Proxy Read Timeout is 125 s). */
    static final int READ_TIMEOUT_SECONDS = 2;
    /** Cloudflare's total response header limit, and the agent's default. */
    static final int HEADER_LIMIT = 128 * 1024;

    final Path dir;
    private final Child nginx;
    private final Child haproxy;

    private EdgeProxies(Path dir, Child nginx, Child haproxy) {
        this.dir = dir;
        this.nginx = nginx;
        this.haproxy = haproxy;
    }

    // ---- installation ------------------------------------------------------------------------

    /** The binary on PATH or in the usual sbin directories, or null. */
    static Path binary(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Paths.get(d, name))) {
                return Paths.get(d, name);
            }
        }
        return null;
    }

    /**
     * Skips the calling test, saying so plainly, when nginx or HAProxy is not installed; fails instead
     * when CF520_REQUIRE_PROXIES=true (CI), so a missing proxy can never turn into a silent pass there.
     */
    static void assumeInstalled() {
        List<String> missing = new ArrayList<>();
        for (String p : BOTH) {
            if (binary(p) == null) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String msg = "edge proxies not installed: " + String.join(" and ", missing)
                + " not found on PATH or in /usr/sbin (Debian: apt-get install nginx haproxy)";
        if ("true".equalsIgnoreCase(System.getenv("CF520_REQUIRE_PROXIES"))
                || "true".equalsIgnoreCase(System.getProperty("cf520.require.proxies"))) {
            fail(msg + "; CF520_REQUIRE_PROXIES=true, so this is a failure, not a skip");
        }
        Assumptions.abort(msg + "; skipping the ground-truth tests");
    }

    // ---- start / stop ------------------------------------------------------------------------

    static EdgeProxies start(int originPort) throws Exception {
        // under target/ so mvn clean removes the configs and logs; kept after the run for a look
        Path dir = Files.createTempDirectory(Files.createDirectories(Paths.get("target", "edge-proxies")).toAbsolutePath(),
                "run-");
        boolean root = isRoot(dir);
        int nginxPort = freePort();
        int haproxyPort = freePort();

        Path ng = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(ng.resolve("logs"));
        Files.createDirectories(ng.resolve("tmp"));
        Files.writeString(ng.resolve("nginx.conf"), nginxConfig(ng, root, nginxPort, originPort));
        Child nginx = Child.start(NGINX, nginxPort, List.of(binary(NGINX).toString(), "-p", ng + "/", "-c",
                ng.resolve("nginx.conf").toString(), "-e", ng.resolve("logs/startup.log").toString(), "-g", "daemon off;"));

        Path hp = Files.createDirectories(dir.resolve("haproxy"));
        Files.writeString(hp.resolve("haproxy.cfg"), haproxyConfig(haproxyPort, originPort));
        Child haproxy;
        try {
            haproxy = Child.start(HAPROXY, haproxyPort,
                    List.of(binary(HAPROXY).toString(), "-f", hp.resolve("haproxy.cfg").toString(), "-db"));
        } catch (Exception | AssertionError e) {
            nginx.close();
            throw e;
        }
        return new EdgeProxies(dir, nginx, haproxy);
    }

    /** Workers must be able to write the temp paths under DIR: as root, stay root rather than become nobody. */
    private static boolean isRoot(Path dir) {
        try {
            return ((Number) Files.getAttribute(dir, "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    static String nginxConfig(Path d, boolean root, int port, int originPort) {
        String t = READ_TIMEOUT_SECONDS + "s";
        return (root ? "user root;\n" : "")
                + "worker_processes 1;\n" // one worker: error and access lines land in one file in event order
                + "pid " + d.resolve("nginx.pid") + ";\n"
                + "error_log " + d.resolve("logs/error.log") + " info;\n"
                + "error_log " + d.resolve("logs/combined.log") + " info;\n"
                + "events { worker_connections 1024; }\n"
                + "http {\n"
                + "  client_body_temp_path " + d.resolve("tmp/client_body") + ";\n"
                + "  proxy_temp_path " + d.resolve("tmp/proxy") + ";\n"
                + "  fastcgi_temp_path " + d.resolve("tmp/fastcgi") + ";\n"
                + "  uwsgi_temp_path " + d.resolve("tmp/uwsgi") + ";\n"
                + "  scgi_temp_path " + d.resolve("tmp/scgi") + ";\n"
                + "  log_format cf520 'ray=$http_cf_ray conn=$connection req=$connection_requests status=$status"
                + " upstream_status=$upstream_status upstream_bytes=$upstream_response_length"
                + " body_bytes_sent=$body_bytes_sent upstream_header_time=$upstream_header_time"
                + " upstream_addr=$upstream_addr request=\"$request\"';\n"
                + "  access_log " + d.resolve("logs/access.log") + " cf520;\n"
                + "  access_log " + d.resolve("logs/combined.log") + " cf520;\n"
                + "  keepalive_timeout 120s;\n"
                + "  keepalive_requests 100000;\n"
                + "  upstream origin {\n"
                + "    server 127.0.0.1:" + originPort + ";\n"
                + "    keepalive 32;\n" // idle connections kept to the origin, like an edge's pool
                + "    keepalive_timeout 60s;\n"
                + "  }\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + port + ";\n"
                + "    location / {\n"
                + "      proxy_pass http://origin;\n"
                + "      proxy_http_version 1.1;\n"
                + "      proxy_set_header Connection \"\";\n"
                + "      proxy_set_header Host $http_host;\n"
                // 128 KiB for the whole response header block, as Cloudflare (default: one page)
                + "      proxy_buffer_size 128k;\n"
                + "      proxy_buffers 4 128k;\n"
                + "      proxy_busy_buffers_size 256k;\n"
                + "      proxy_next_upstream off;\n" // one origin attempt: a retry would run the servlet twice under one Ray
                + "      proxy_connect_timeout " + t + ";\n"
                + "      proxy_send_timeout " + t + ";\n"
                + "      proxy_read_timeout " + t + ";\n"
                + "    }\n"
                + "  }\n"
                + "}\n";
    }

    static String haproxyConfig(int port, int originPort) {
        String t = READ_TIMEOUT_SECONDS + "s";
        return "global\n"
                + "  log stdout format raw local0 info\n"
                // a response's headers must fit in bufsize - maxrewrite: 262144 - 131072 = 128 KiB
                + "  tune.bufsize 262144\n"
                + "  tune.maxrewrite 131072\n"
                + "  tune.http.maxhdr 1000\n" // default 101 header lines, which is no Cloudflare limit
                + "defaults\n"
                + "  mode http\n"
                + "  log global\n"
                + "  option http-keep-alive\n"
                + "  timeout connect " + t + "\n"
                + "  timeout server " + t + "\n"
                + "  timeout client 30s\n"
                + "  timeout http-keep-alive 30s\n"
                + "  retries 0\n"
                + "  no option redispatch\n"
                + "  http-reuse always\n"
                + "frontend edge\n"
                + "  bind 127.0.0.1:" + port + "\n"
                + "  http-request capture req.hdr(CF-Ray) len 100\n"
                + "  log-format \"ray=%[capture.req.hdr(0)] status=%ST bytes=%B ts=%ts retries=%rc"
                + " tr=%Tr uri=%HU\"\n"
                + "  default_backend origin\n"
                + "backend origin\n"
                + "  server origin 127.0.0.1:" + originPort + "\n";
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    int port(String proxy) {
        return child(proxy).port;
    }

    private Child child(String proxy) {
        switch (proxy) {
            case NGINX: return nginx;
            case HAPROXY: return haproxy;
            default: throw new IllegalArgumentException(proxy);
        }
    }

    List<String> haproxyLog() {
        return new ArrayList<>(haproxy.out);
    }

    @Override
    public void close() throws InterruptedException {
        nginx.close();
        haproxy.close();
        try {
            Files.write(dir.resolve("haproxy/haproxy.log"), haproxy.out, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            // the log is a convenience for a look after the run
        }
    }

    /** One proxy as a child process, its stdout and stderr kept in memory. */
    private static final class Child {
        final String name;
        final Process process;
        final int port;
        final List<String> out = new CopyOnWriteArrayList<>();

        private Child(String name, Process process, int port) {
            this.name = name;
            this.process = process;
            this.port = port;
            pump(process.getInputStream());
            pump(process.getErrorStream());
        }

        static Child start(String name, int port, List<String> cmd) throws Exception {
            Child c = new Child(name, new ProcessBuilder(cmd).start(), port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                if (!c.process.isAlive()) {
                    throw new AssertionError(name + " exited with " + c.process.exitValue() + ": " + String.join("\n", c.out)
                            + "\ncommand: " + cmd);
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return c;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            c.close();
            throw new AssertionError(name + " did not listen on 127.0.0.1:" + port + " within 15 s: " + c.out);
        }

        private void pump(InputStream in) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        out.add(line);
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            }, name + "-output");
            t.setDaemon(true);
            t.start();
        }

        void close() throws InterruptedException {
            process.destroy(); // SIGTERM to this child only (nginx's master stops its own worker)
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    // ---- verdicts ----------------------------------------------------------------------------

    /** What one proxy made of one request: what reached the client and what the proxy logged. */
    static final class Verdict {
        final String proxy;
        final String ray;
        final String path;
        // client side
        int clientStatus;
        String clientEnding;
        Long declaredLength;
        int bodyBytes;
        boolean bodyComplete;
        // proxy log
        String logLine;
        String proxyStatus;
        String proxyBytes;
        String upstreamStatus;
        String upstreamBytes;
        String headerTime;
        String terminationState;
        int originAttempts = -1;
        /** The request was the first on its client connection (HAProxy logs differently otherwise). */
        boolean firstOnConnection = true;
        final List<String> errorLines = new ArrayList<>();
        /** Why the proxy saw a fault; empty when it saw none. */
        final List<String> evidence = new ArrayList<>();

        Verdict(String proxy, String ray, String path) {
            this.proxy = proxy;
            this.ray = ray;
            this.path = path;
        }

        boolean fault() {
            return !evidence.isEmpty();
        }

        /** The proxy's own name for what it saw: nginx's error message, HAProxy's termination state. */
        String kind() {
            if (!errorLines.isEmpty()) {
                return nginxMessageCore(errorLines.get(0));
            }
            if (terminationState != null && !terminationState.startsWith("-")) {
                return "termination state " + terminationState;
            }
            return fault() ? evidence.get(0) : "-";
        }

        String client() {
            return (clientStatus < 0 ? "no status" : Integer.toString(clientStatus)) + ", body " + bodyBytes
                    + (declaredLength == null ? "" : " of " + declaredLength) + (bodyComplete ? "" : " (incomplete)")
                    + ", " + clientEnding;
        }
    }

    /** Waits until the proxy has logged {@code ray}, then judges the request. */
    Verdict verdict(String proxy, String ray, String path, RawHttp.Response r, Duration wait) throws Exception {
        Map<String, Verdict> one = verdicts(proxy, Map.of(ray, new Object[] {path, r}), wait);
        return one.get(ray);
    }

    /**
     * Verdicts for many requests at once: {@code requests} maps each ray to {path, RawHttp.Response} or
     * {path, RawHttp.Response, first request on its client connection (Boolean)}.
     * Waits up to {@code wait} for every ray to be logged; a ray never logged keeps null log fields.
     */
    Map<String, Verdict> verdicts(String proxy, Map<String, Object[]> requests, Duration wait) throws Exception {
        // an empty response on a reused HAProxy client connection is never logged: do not wait for it
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (Map.Entry<String, Object[]> e : requests.entrySet()) {
            boolean first = e.getValue().length < 3 || Boolean.TRUE.equals(e.getValue()[2]);
            if (!(HAPROXY.equals(proxy) && !first && ((RawHttp.Response) e.getValue()[1]).status() < 0)) {
                expected.add(e.getKey());
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        Map<String, LogEntry> logged;
        do {
            logged = NGINX.equals(proxy) ? nginxEntries() : haproxyEntries();
            if (logged.keySet().containsAll(expected)) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        if (expected.size() < requests.size()) {
            Thread.sleep(500); // a last look for the unlogged ones
            logged = haproxyEntries();
        }
        Map<String, Verdict> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object[]> e : requests.entrySet()) {
            Verdict v = new Verdict(proxy, e.getKey(), (String) e.getValue()[0]);
            v.firstOnConnection = e.getValue().length < 3 || Boolean.TRUE.equals(e.getValue()[2]);
            client(v, (RawHttp.Response) e.getValue()[1]);
            LogEntry le = logged.get(e.getKey());
            if (le != null) {
                fromLog(v, le);
            }
            judge(v);
            out.put(v.ray, v);
        }
        return out;
    }

    private static void client(Verdict v, RawHttp.Response r) {
        v.clientStatus = r.status();
        v.clientEnding = r.ending;
        v.bodyBytes = r.payloadBytes();
        String te = r.header("transfer-encoding");
        String cl = r.header("content-length");
        int s = v.clientStatus;
        if (s < 0) {
            v.bodyComplete = false;
        } else if ((s >= 100 && s < 200) || s == 204 || s == 304) {
            v.bodyComplete = true;
        } else if (te != null) {
            v.bodyComplete = "chunked".equalsIgnoreCase(te) && r.endsWithLastChunk();
        } else if (cl != null && cl.matches("\\d+")) {
            v.declaredLength = Long.parseLong(cl);
            v.bodyComplete = r.bodyBytes() >= v.declaredLength;
        } else {
            v.bodyComplete = "closed".equals(r.ending); // delimited by close
        }
    }

    /** One proxy log entry for a request, plus nginx's error lines for it. */
    private static final class LogEntry {
        final String line;
        final Map<String, String> fields;
        final List<String> errors;

        LogEntry(String line, Map<String, String> fields, List<String> errors) {
            this.line = line;
            this.fields = fields;
            this.errors = errors;
        }
    }

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S*)");
    private static final Pattern NGINX_ERROR =
            Pattern.compile("^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\[(\\w+)\\] \\d+#\\d+: \\*(\\d+) (.*)$");

    static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = FIELD.matcher(line);
        while (x.find()) {
            String v = x.group(2);
            m.putIfAbsent(x.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return m;
    }

    /**
     * nginx writes its error and access lines for one worker into one file in event order, so an
     * upstream error line belongs to the next access line of the same client connection.
     */
    private Map<String, LogEntry> nginxEntries() throws IOException {
        Path combined = dir.resolve("nginx/logs/combined.log");
        Map<String, LogEntry> out = new HashMap<>();
        if (!Files.exists(combined)) {
            return out;
        }
        Map<String, List<String>> pending = new HashMap<>();
        for (String line : Files.readAllLines(combined, StandardCharsets.ISO_8859_1)) {
            Matcher m = NGINX_ERROR.matcher(line);
            if (m.matches()) {
                if (isUpstreamFault(m.group(1), m.group(3))) {
                    pending.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(line);
                }
            } else if (line.startsWith("ray=")) {
                Map<String, String> f = fields(line);
                List<String> errs = pending.remove(f.get("conn"));
                out.put(f.get("ray"), new LogEntry(line, f, errs == null ? List.of() : errs));
            }
        }
        return out;
    }

    /**
     * nginx's words for an origin fault (ngx_http_upstream.c, ngx_http_proxy_module.c, ngx_recv.c):
     * not its notices about buffering to a temp file or about the client going away.
     */
    private static final Pattern NGINX_UPSTREAM_FAULT = Pattern.compile("^(upstream (prematurely closed|sent|timed out)"
            + "|(recv|readv|send|writev|connect)\\(\\) failed .*upstream|no live upstreams)");

    /** An nginx error line about the origin's response, not about the client going away. */
    static boolean isUpstreamFault(String level, String message) {
        return List.of("warn", "error", "crit", "alert", "emerg").contains(level.toLowerCase(Locale.ROOT))
                && NGINX_UPSTREAM_FAULT.matcher(nginxMessageCore(message)).find();
    }

    /** The message of an nginx error line without the date/level prefix and the ", client: ..." context. */
    static String nginxMessageCore(String line) {
        Matcher m = NGINX_ERROR.matcher(line);
        String msg = m.matches() ? m.group(3) : line;
        int ctx = msg.indexOf(", client: ");
        return ctx < 0 ? msg : msg.substring(0, ctx);
    }

    private Map<String, LogEntry> haproxyEntries() {
        Map<String, LogEntry> out = new HashMap<>();
        for (String line : haproxy.out) {
            if (line.startsWith("ray=")) {
                Map<String, String> f = fields(line);
                out.put(f.get("ray"), new LogEntry(line, f, List.of()));
            }
        }
        return out;
    }

    private static void fromLog(Verdict v, LogEntry le) {
        v.logLine = le.line;
        Map<String, String> f = le.fields;
        v.proxyStatus = f.get("status");
        if (NGINX.equals(v.proxy)) {
            v.proxyBytes = f.get("body_bytes_sent");
            v.upstreamStatus = f.get("upstream_status");
            v.upstreamBytes = f.get("upstream_bytes");
            v.headerTime = f.get("upstream_header_time");
            String addr = f.get("upstream_addr");
            v.originAttempts = addr == null || addr.equals("-") ? 0 : addr.split("[,:] ").length;
            for (String e : le.errors) {
                v.errorLines.add(e);
            }
        } else {
            v.proxyBytes = f.get("bytes");
            v.terminationState = f.get("ts");
            String retries = f.get("retries");
            v.originAttempts = retries != null && retries.matches("\\d+") ? 1 + Integer.parseInt(retries) : -1;
        }
    }

    /**
     * The referee's rule. A proxy saw a fault when the client got no status line, or a 502/504 the
     * proxy made itself, or a body cut short of its framing; nginx also when it logged an error about
     * the upstream; HAProxy also when the termination state blames the server (S: aborted by the
     * server, s: server timeout) or the proxy blocked the server's response (PH/PD/PL: an invalid
     * response). C/c (the client went away) is never the origin's fault; HAProxy's own failures
     * (I, R, D, K, U) are counted as faults so that they show up as disagreements to be looked at.
     */
    private static void judge(Verdict v) {
        if (v.clientStatus < 0) {
            v.evidence.add("client got no status line (" + v.clientEnding + ")");
        } else if (!v.bodyComplete) {
            v.evidence.add("body cut short: " + v.bodyBytes + (v.declaredLength == null ? "" : " of " + v.declaredLength)
                    + " bytes, connection " + v.clientEnding);
        }
        if (v.logLine == null) {
            if (silentKeepAliveAbort(v)) {
                v.evidence.add("HAProxy closed the client connection without a response and without a log line"
                        + " (abort_keep_alive: the server sent nothing to a request that was not the first on its"
                        + " client connection)");
            } else if (!HAPROXY.equals(v.proxy)) {
                v.evidence.add("no " + v.proxy + " log line for this ray");
            } else if (v.clientStatus == 502 || v.clientStatus == 504) {
                // the demo never answers 502/504 itself: HAProxy made this response, its log line was dropped
                v.evidence.add(v.proxy + " answered " + v.clientStatus + " (its log line was dropped)");
            }
            // HAProxy logs to stdout without blocking and drops lines when the pipe is full: a missing
            // line is no fault by itself, the client's view above decides
            return;
        }
        int st = v.proxyStatus != null && v.proxyStatus.matches("-?\\d+") ? Integer.parseInt(v.proxyStatus) : -1;
        boolean proxyMade = NGINX.equals(v.proxy) ? "-".equals(v.headerTime) || v.headerTime == null
                : v.terminationState != null && !v.terminationState.startsWith("-");
        if ((st == 502 || st == 504) && proxyMade) {
            v.evidence.add(v.proxy + " answered " + st + " itself");
        }
        for (String e : v.errorLines) {
            v.evidence.add("error log: " + nginxMessageCore(e));
        }
        String ts = v.terminationState;
        if (ts != null && ts.length() == 2) {
            char a = ts.charAt(0);
            char b = ts.charAt(1);
            boolean serverSide = a == 'S' || a == 's' || (a == 'P' && (b == 'H' || b == 'D' || b == 'L'));
            boolean haproxyItself = "IRDKU".indexOf(a) >= 0;
            if (serverSide || haproxyItself) {
                v.evidence.add("termination state " + ts);
            }
        }
    }

    /**
     * HAProxy (http_ana.c, http_wait_for_response: {@code if (txn->flags & TX_NOT_FIRST) goto
     * abort_keep_alive;}) answers an empty server response to a request that was not the first on its
     * client connection by closing that connection silently, unlogged, as if the keep-alive connection
     * had timed out, so that the client retries. The client got no status line; the log has nothing.
     */
    static boolean silentKeepAliveAbort(Verdict v) {
        return HAPROXY.equals(v.proxy) && v.logLine == null && v.clientStatus < 0 && !v.firstOnConnection;
    }

    /**
     * The reason code a proxy's own words point to, for a fault the agent did not explain; null when
     * the proxy's words do not say (HAProxy's PH covers any invalid response header block).
     */
    static String impliedReason(Verdict v) {
        if (!v.errorLines.isEmpty()) {
            String m = nginxMessageCore(v.errorLines.get(0));
            if (m.contains("too big header")) {
                return "oversized_headers";
            }
            if (m.contains("invalid header")) {
                return "invalid_header";
            }
            if (m.contains("Transfer-Encoding") || m.contains("invalid chunked") || m.contains("\"Content-Length\"")
                    || m.contains("duplicate header")) {
                return "conflicting_framing";
            }
            if (m.contains("more data than specified")) {
                return "content_length_mismatch";
            }
            if (m.contains("timed out") && m.contains("response header")) {
                return "slow_response";
            }
            if (m.contains("reading upstream")) {
                return "truncated_body";
            }
            if (m.contains("reset by peer")) {
                return "connection_reset";
            }
            if (m.contains("prematurely closed") && m.contains("response header")) {
                return "no_response";
            }
            return null;
        }
        if (silentKeepAliveAbort(v)) {
            return "no_response";
        }
        if (v.terminationState != null) {
            switch (v.terminationState) {
                case "SH": return "no_response";
                case "SD": case "sD": return "truncated_body";
                case "sH": return "slow_response";
                default: return null;
            }
        }
        return null;
    }
}
