package dev.cf520.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP (protobuf) receiver on 127.0.0.1, decoding with the official opentelemetry-proto
 * classes: it sees exactly what Jaeger's OTLP endpoint on 4318 would receive.
 */
final class OtlpReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<Metric> metrics = new CopyOnWriteArrayList<>();
    private final AtomicInteger traceRequests = new AtomicInteger();
    private final AtomicInteger metricRequests = new AtomicInteger();
    private volatile int metricsStatus = 200;

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", this::traces);
        server.createContext("/v1/metrics", this::metrics);
        server.start();
    }

    /** Answer metric exports with this status, as a traces-only receiver (Jaeger) does with 404. */
    OtlpReceiver refuseMetrics(int status) {
        this.metricsStatus = status;
        return this;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void traces(HttpExchange ex) throws IOException {
        traceRequests.incrementAndGet();
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(body(ex));
        for (ResourceSpans rs : req.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                spans.addAll(ss.getSpansList());
            }
        }
        reply(ex, 200, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
    }

    private void metrics(HttpExchange ex) throws IOException {
        metricRequests.incrementAndGet();
        byte[] body = body(ex);
        if (metricsStatus != 200) {
            reply(ex, metricsStatus, new byte[0]);
            return;
        }
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(body);
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                metrics.addAll(sm.getMetricsList());
            }
        }
        reply(ex, 200, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        return in.readAllBytes();
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    List<Span> spans() {
        return new ArrayList<>(spans);
    }

    List<Metric> metrics() {
        return new ArrayList<>(metrics);
    }

    int traceRequests() {
        return traceRequests.get();
    }

    int metricRequests() {
        return metricRequests.get();
    }

    /** Every span whose raw CF-Ray header is {@code ray}. */
    List<Span> spansWithRay(String ray) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            List<String> raw = stringArray(s, "http.request.header.cf-ray");
            if (raw.contains(ray)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Waits until exactly one span carries {@code ray}, then a little longer to see that no second one comes. */
    Span awaitOneSpan(String ray, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && spansWithRay(ray).isEmpty()) {
            Thread.sleep(25);
        }
        Thread.sleep(150);
        List<Span> found = spansWithRay(ray);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one span with CF-Ray " + ray + " within " + timeout
                    + ", found " + found.size() + " (of " + spans.size() + " spans received)");
        }
        return found.get(0);
    }

    Optional<Metric> awaitMetric(String name, Predicate<Metric> ready, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = metrics.size() - 1; i >= 0; i--) {
                Metric m = metrics.get(i);
                if (m.getName().equals(name) && ready.test(m)) {
                    return Optional.of(m);
                }
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    // ---- attribute helpers ------------------------------------------------------------------

    static Optional<AnyValue> attr(List<KeyValue> attrs, String key) {
        for (KeyValue kv : attrs) {
            if (kv.getKey().equals(key)) {
                return Optional.of(kv.getValue());
            }
        }
        return Optional.empty();
    }

    static String string(Span s, String key) {
        return attr(s.getAttributesList(), key).map(AnyValue::getStringValue).orElse(null);
    }

    static Long integer(Span s, String key) {
        return attr(s.getAttributesList(), key).map(AnyValue::getIntValue).orElse(null);
    }

    static Boolean bool(Span s, String key) {
        return attr(s.getAttributesList(), key).map(AnyValue::getBoolValue).orElse(null);
    }

    static List<String> stringArray(Span s, String key) {
        List<String> out = new ArrayList<>();
        attr(s.getAttributesList(), key).ifPresent(v -> v.getArrayValue().getValuesList()
                .forEach(x -> out.add(x.getStringValue())));
        return out;
    }

    static boolean has(Span s, String key) {
        return attr(s.getAttributesList(), key).isPresent();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
