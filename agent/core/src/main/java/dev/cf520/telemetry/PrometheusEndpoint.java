package dev.cf520.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;

/**
 * Serves the agent's metrics for Prometheus to scrape ({@code otel.metrics.exporter=prometheus},
 * port 9464, path {@code /metrics}) in the text exposition format, named as OpenTelemetry's own
 * Prometheus exporter names them: {@code cf520.risk.events} ({@code {event}}) becomes
 * {@code cf520_risk_events_total}, {@code http.server.request.duration} ({@code s}) becomes
 * {@code http_server_request_duration_seconds}. Written here rather than taking that exporter,
 * which drags a shaded protobuf into the jar.
 */
final class PrometheusEndpoint implements MetricReader {
    private final HttpServer server;
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    PrometheusEndpoint(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", this::scrape);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cf520-prometheus");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        server.stop(0);
        return CompletableResultCode.ofSuccess();
    }

    private void scrape(HttpExchange ex) throws IOException {
        try {
            byte[] body = render(registration.collectAllMetrics()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        } finally {
            ex.close();
        }
    }

    static String render(Collection<MetricData> metrics) {
        StringBuilder b = new StringBuilder(4096);
        for (MetricData m : metrics) {
            String name = name(m);
            switch (m.getType()) {
                case LONG_SUM:
                case DOUBLE_SUM: {
                    boolean counter = m.getType() == io.opentelemetry.sdk.metrics.data.MetricDataType.LONG_SUM
                            ? m.getLongSumData().isMonotonic() : m.getDoubleSumData().isMonotonic();
                    String full = counter ? name + "_total" : name;
                    header(b, full, m.getDescription(), counter ? "counter" : "gauge");
                    points(b, full, m.getData().getPoints());
                    break;
                }
                case LONG_GAUGE:
                case DOUBLE_GAUGE:
                    header(b, name, m.getDescription(), "gauge");
                    points(b, name, m.getData().getPoints());
                    break;
                case HISTOGRAM:
                    header(b, name, m.getDescription(), "histogram");
                    for (HistogramPointData p : m.getHistogramData().getPoints()) {
                        histogram(b, name, p);
                    }
                    break;
                default:
                    break; // exponential histograms and summaries: cf520 records none
            }
        }
        return b.toString();
    }

    private static void points(StringBuilder b, String name, Collection<? extends PointData> points) {
        for (PointData p : points) {
            String value = p instanceof LongPointData ? Long.toString(((LongPointData) p).getValue())
                    : number(((DoublePointData) p).getValue());
            b.append(name).append(labels(p.getAttributes(), null)).append(' ').append(value).append('\n');
        }
    }

    private static void histogram(StringBuilder b, String name, HistogramPointData p) {
        List<Double> bounds = p.getBoundaries();
        List<Long> counts = p.getCounts();
        long cumulative = 0;
        for (int i = 0; i < counts.size(); i++) {
            cumulative += counts.get(i);
            String le = i < bounds.size() ? number(bounds.get(i)) : "+Inf";
            b.append(name).append("_bucket").append(labels(p.getAttributes(), le)).append(' ').append(cumulative)
                    .append('\n');
        }
        b.append(name).append("_sum").append(labels(p.getAttributes(), null)).append(' ').append(number(p.getSum()))
                .append('\n');
        b.append(name).append("_count").append(labels(p.getAttributes(), null)).append(' ').append(p.getCount())
                .append('\n');
    }

    private static void header(StringBuilder b, String name, String help, String type) {
        if (help != null && !help.isEmpty()) {
            b.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n');
        }
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String labels(Attributes attributes, String le) {
        StringBuilder b = new StringBuilder();
        attributes.forEach((k, v) -> b.append(b.length() == 0 ? "{" : ",").append(sanitize(k.getKey())).append("=\"")
                .append(escape(String.valueOf(v))).append('"'));
        if (le != null) {
            b.append(b.length() == 0 ? "{" : ",").append("le=\"").append(le).append('"');
        }
        return b.length() == 0 ? "" : b.append('}').toString();
    }

    /** OpenTelemetry's Prometheus naming: sanitized name, then the unit ({@code {...}} units are dropped). */
    static String name(MetricData m) {
        String n = sanitize(m.getName());
        String unit = m.getUnit() == null ? "" : m.getUnit();
        String suffix;
        switch (unit) {
            case "s": suffix = "seconds"; break;
            case "ms": suffix = "milliseconds"; break;
            case "By": suffix = "bytes"; break;
            case "1": case "": suffix = ""; break;
            default: suffix = unit.startsWith("{") ? "" : sanitize(unit).toLowerCase(Locale.ROOT);
        }
        return suffix.isEmpty() || n.endsWith("_" + suffix) ? n : n + "_" + suffix;
    }

    private static String sanitize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (i > 0 && c >= '0' && c <= '9');
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) + ".0" : Double.toString(d);
    }
}
