package dev.cf520.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's settings, read once at start-up. Each key {@code cf520.x-y} can be given, highest
 * precedence first, as an agent argument ({@code -javaagent:cf520-agent.jar=x-y=v;...}), a system
 * property {@code -Dcf520.x-y=v}, or an environment variable {@code CF520_X_Y=v}. A value that
 * cannot be read keeps its default and adds a line to {@link #problems()}: bad input never stops
 * the origin from starting.
 */
public final class AgentConfig {

    public static final String ENABLED = "cf520.enabled";
    public static final String EDGE_READ_TIMEOUT = "cf520.edge-read-timeout";
    public static final String UPSTREAM_IDLE_TIMEOUT = "cf520.upstream-idle-timeout";
    public static final String MAX_RESPONSE_HEADER_BYTES = "cf520.max-response-header-bytes";
    public static final String TRUST_TRACEPARENT = "cf520.trust-traceparent";
    public static final String CLOUDFLARE_IPS_FILE = "cf520.cloudflare-ips-file";
    public static final String TRUSTED_PROXIES = "cf520.trusted-proxies";
    public static final String LOG_LEVEL = "cf520.log-level";
    public static final String LOG_LINES_PER_MINUTE = "cf520.log-lines-per-minute";
    /** {@code all}: a span per exchange; {@code risky}: spans only for risky exchanges (metrics count all). */
    public static final String TRACES = "cf520.traces";
    /**
     * Where hooked class files are kept from one start to the next ({@code off}: nowhere); default
     * {@code <java.io.tmpdir>/cf520-cache-<user.name>}.
     */
    public static final String CACHE_DIR = "cf520.cache-dir";
    /** A properties file of cf520.* and otel.* keys, given as an agent argument (what attach passes). */
    public static final String CONFIG_FILE = "cf520.config-file";

    /** Cloudflare's Proxy Read Timeout as of July 2026 (it was 100 s, then 120 s). */
    public static final Duration DEFAULT_EDGE_READ_TIMEOUT = Duration.ofSeconds(125);
    /** How long Cloudflare keeps an idle connection to the origin for reuse (its Proxy Idle Timeout). */
    public static final Duration DEFAULT_UPSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(900);
    /** Cloudflare's total response header limit since October 2025. */
    public static final int DEFAULT_MAX_RESPONSE_HEADER_BYTES = 128 * 1024;
    /**
     * Peers trusted to forward Cloudflare's requests (a local load balancer, cloudflared): loopback and
     * private addresses. {@code cf520.trusted-proxies=none} trusts no one.
     */
    public static final List<String> DEFAULT_TRUSTED_PROXIES = List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8",
            "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");

    private final boolean enabled;
    private final Duration edgeReadTimeout;
    private final Duration upstreamIdleTimeout;
    private final int maxResponseHeaderBytes;
    private final boolean trustTraceparent;
    private final String cloudflareIpsFile;
    private final List<String> trustedProxies;
    private final String logLevel;
    private final int logLinesPerMinute;
    private final boolean riskyTracesOnly;
    private final String cacheDir;
    private final List<String> problems;

    private AgentConfig(Reader r) {
        this.enabled = r.bool(ENABLED, true);
        this.edgeReadTimeout = r.duration(EDGE_READ_TIMEOUT, DEFAULT_EDGE_READ_TIMEOUT);
        this.upstreamIdleTimeout = r.duration(UPSTREAM_IDLE_TIMEOUT, DEFAULT_UPSTREAM_IDLE_TIMEOUT);
        this.maxResponseHeaderBytes = r.positiveInt(MAX_RESPONSE_HEADER_BYTES, DEFAULT_MAX_RESPONSE_HEADER_BYTES);
        this.trustTraceparent = r.bool(TRUST_TRACEPARENT, false);
        this.cloudflareIpsFile = r.string(CLOUDFLARE_IPS_FILE, null);
        List<String> proxies = r.list(TRUSTED_PROXIES);
        this.trustedProxies = r.raw(TRUSTED_PROXIES) == null ? DEFAULT_TRUSTED_PROXIES
                : proxies.equals(List.of("none")) ? List.of() : proxies;
        this.logLevel = r.oneOf(LOG_LEVEL, "info", "error", "warn", "info", "debug");
        this.logLinesPerMinute = r.positiveInt(LOG_LINES_PER_MINUTE, 120);
        this.riskyTracesOnly = r.oneOf(TRACES, "all", "all", "risky").equals("risky");
        String cache = r.string(CACHE_DIR, null);
        this.cacheDir = "off".equalsIgnoreCase(cache) ? null : cache != null && !cache.isBlank() ? cache
                : System.getProperty("java.io.tmpdir") + java.io.File.separator + "cf520-cache-"
                        + System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
        this.problems = Collections.unmodifiableList(r.problems);
    }

    /** Reads the live JVM: agent arguments, system properties, environment. */
    public static AgentConfig load(String agentArgs) {
        return load(parseAgentArgs(agentArgs));
    }

    /** As {@link #load(String)}, with the agent arguments already read (and merged with a config file). */
    public static AgentConfig load(Map<String, String> agentArgs) {
        return from(agentArgs, propertiesAsMap(), System.getenv());
    }

    public static AgentConfig defaults() {
        return from(Map.of(), Map.of(), Map.of());
    }

    public static AgentConfig from(Map<String, String> agentArgs, Map<String, String> properties,
            Map<String, String> env) {
        return new AgentConfig(new Reader(agentArgs, properties, env));
    }

    /**
     * Agent arguments are {@code key=value} pairs separated by {@code ;} or {@code ,}; keys may omit
     * the {@code cf520.} prefix.
     */
    public static Map<String, String> parseAgentArgs(String args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return out;
        }
        String lastKey = null;
        for (String part : args.split("[;,]")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                // "trusted-proxies=10.0.0.0/8,192.168.0.0/16": a part without '=' continues the list value before it
                if (lastKey != null && eq < 0 && !part.isBlank()) {
                    out.put(lastKey, out.get(lastKey) + "," + part.trim());
                }
                continue;
            }
            String key = part.substring(0, eq).trim();
            if (!key.startsWith("cf520.") && !key.startsWith("otel.")) {
                key = "cf520." + key;
            }
            out.put(key, part.substring(eq + 1).trim());
            lastKey = key;
        }
        return out;
    }

    private static Map<String, String> propertiesAsMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("cf520.")) {
                out.put(name, System.getProperty(name));
            }
        }
        return out;
    }

    /** {@code cf520.edge-read-timeout} becomes {@code CF520_EDGE_READ_TIMEOUT}. */
    public static String envName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    public boolean enabled() {
        return enabled;
    }

    public Duration edgeReadTimeout() {
        return edgeReadTimeout;
    }

    /**
     * How long the peer that pools connections to this origin keeps one idle before reusing it:
     * Cloudflare's 900 s by default; shorter behind cloudflared or a load balancer.
     */
    public Duration upstreamIdleTimeout() {
        return upstreamIdleTimeout;
    }

    public int maxResponseHeaderBytes() {
        return maxResponseHeaderBytes;
    }

    public boolean trustTraceparent() {
        return trustTraceparent;
    }

    /** A file of CIDRs (one per line, {@code #} comments) replacing the built-in Cloudflare ranges, or null. */
    public String cloudflareIpsFile() {
        return cloudflareIpsFile;
    }

    /** CIDRs of proxies between Cloudflare and the origin (a local load balancer, cloudflared). */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    public String logLevel() {
        return logLevel;
    }

    public int logLinesPerMinute() {
        return logLinesPerMinute;
    }

    /** {@code cf520.traces=risky}: healthy exchanges get no span (the metrics still count them). */
    public boolean riskyTracesOnly() {
        return riskyTracesOnly;
    }

    /** One sentence per setting that could not be read, naming the default kept. */
    /** The directory for hooked class files between starts, or null when {@code cf520.cache-dir=off}. */
    public String cacheDir() {
        return cacheDir;
    }

    public List<String> problems() {
        return problems;
    }

    private static final class Reader {
        private final Map<String, String> args;
        private final Map<String, String> props;
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> args, Map<String, String> props, Map<String, String> env) {
            this.args = args;
            this.props = props;
            this.env = env;
        }

        private String raw(String key) {
            String v = args.get(key);
            if (v == null) {
                v = props.get(key);
            }
            if (v == null) {
                v = env.get(envName(key));
            }
            return v == null || v.isBlank() ? null : v.trim();
        }

        String string(String key, String def) {
            String v = raw(key);
            return v == null ? def : v;
        }

        boolean bool(String key, boolean def) {
            String v = raw(key);
            if (v == null) {
                return def;
            }
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            problems.add(key + "=" + quote(v) + " is not true or false; using " + def);
            return def;
        }

        int positiveInt(String key, int def) {
            String v = raw(key);
            if (v == null) {
                return def;
            }
            try {
                int n = Integer.parseInt(v.replace("_", ""));
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.add(key + "=" + quote(v) + " is not a positive whole number; using " + def);
            return def;
        }

        Duration duration(String key, Duration def) {
            String v = raw(key);
            if (v == null) {
                return def;
            }
            Duration d = parseDuration(v);
            if (d == null || d.isZero() || d.isNegative()) {
                problems.add(key + "=" + quote(v) + " is not a duration such as 125s, 2s or 500ms; using "
                        + def.getSeconds() + "s");
                return def;
            }
            return d;
        }

        String oneOf(String key, String def, String... allowed) {
            String v = raw(key);
            if (v == null) {
                return def;
            }
            for (String a : allowed) {
                if (a.equalsIgnoreCase(v)) {
                    return a;
                }
            }
            problems.add(key + "=" + quote(v) + " is not one of " + String.join(", ", allowed) + "; using " + def);
            return def;
        }

        List<String> list(String key) {
            String v = raw(key);
            if (v == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String s : v.split("[\\s,;]+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
            return Collections.unmodifiableList(out);
        }

        private static String quote(String v) {
            String s = v.length() > 64 ? v.substring(0, 64) + "..." : v;
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                b.append(c < 0x20 || c == 0x7f ? '?' : c);
            }
            return b.append('"').toString();
        }
    }

    /** {@code 125s}, {@code 2s}, {@code 500ms}, {@code 2m}, or a bare number of seconds; null if unreadable. */
    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        String unit = s.endsWith("ms") ? "ms" : s.endsWith("s") ? "s" : s.endsWith("m") ? "m" : "";
        String number = s.substring(0, s.length() - unit.length()).trim();
        // plain decimal only: Double.parseDouble would also take "2d" (2.0), "NaN", "Infinity", "0x1p3"
        if (!number.matches("[0-9]+(\\.[0-9]*)?|\\.[0-9]+")) {
            return null;
        }
        try {
            Duration d;
            if (unit.equals("ms")) {
                d = Duration.ofMillis(Long.parseLong(number));
            } else if (unit.equals("m")) {
                d = Duration.ofSeconds(Math.multiplyExact(Long.parseLong(number), 60L));
            } else {
                double seconds = Double.parseDouble(number);
                if (seconds * 1000 >= Long.MAX_VALUE) {
                    return null;
                }
                d = Duration.ofMillis(Math.round(seconds * 1000));
            }
            d.toMillis(); // the rules work in milliseconds: a larger duration is unreadable
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
