package dev.cf520.telemetry;

import static dev.cf520.telemetry.SpanAttributes.*;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.RayId;
import dev.cf520.detect.Risk;
import dev.cf520.detect.Text;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Writes one SERVER span per ended exchange, complete, with its real start and end times. Building
 * it at the end lets the sampler see the risk, and keeps per-request cost at one span build.
 */
final class SpanWriter {
    /** Status codes boxed once: Long.valueOf allocates beyond 127. */
    private static final Long[] STATUS_CODES = new Long[1000];

    static {
        for (int i = 0; i < STATUS_CODES.length; i++) {
            STATUS_CODES[i] = (long) i;
        }
    }

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY");

    private final Tracer tracer;
    private final DirectSpans direct;
    private final boolean trustTraceparent;
    private final EdgeVerifier edge;
    private volatile Long lastPort;

    SpanWriter(Tracer tracer, AgentConfig config, EdgeVerifier edge) {
        this(tracer, null, config, edge);
    }

    /** @param direct where spans of exchanges without a risk go, past the tracer; null: through the tracer too */
    SpanWriter(Tracer tracer, DirectSpans direct, AgentConfig config, EdgeVerifier edge) {
        this.tracer = tracer;
        this.direct = direct;
        this.trustTraceparent = config.trustTraceparent();
        this.edge = edge;
    }

    void write(Exchange x, List<Risk> risks) {
        String method = method(x.method());
        write(x, risks, method.equals("_OTHER") ? "HTTP" : method, x.startEpochNanos(), x.endEpochNanos());
    }

    /**
     * A fault found on the exchange's connection after its span was written (the container reset the
     * connection as it closed it): a second SERVER span, "connection reset", from the exchange's end to
     * the close, with the exchange's attributes (CF-Ray among them) and the risk.
     */
    void writeAfterEnd(Exchange x, Risk risk) {
        write(x, List.of(risk), "connection reset", x.endEpochNanos(), Math.max(x.endEpochNanos(), risk.epochNanos()));
    }

    private void write(Exchange x, List<Risk> risks, String name, long startEpochNanos, long endEpochNanos) {
        String method = method(x.method());
        SpanContext remote = traceparent(x.requestHeader(Exchange.TRACEPARENT), x.requestHeader(Exchange.TRACESTATE));
        AttributeList a = new AttributeList(direct == null ? Integer.MAX_VALUE : direct.valueLengthLimit());
        attributes(a, x, method, risks);
        if (direct != null && risks.isEmpty() && x.cause() == null) { // no event, nothing but attributes
            direct.end(name, remote, trustTraceparent, a, x.status() >= 500, startEpochNanos, endEpochNanos);
            return;
        }
        SpanBuilder b = tracer.spanBuilder(name)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS);
        if (remote != null && trustTraceparent) {
            b.setParent(Context.root().with(Span.wrap(remote)));
        } else {
            b.setNoParent();
            if (remote != null) {
                b.addLink(remote);
            }
        }
        b.setAllAttributes(a);
        Span span = b.startSpan();
        for (Risk r : risks) {
            span.addEvent("cf520.risk", Attributes.of(CF520_REASON, r.reason().code(), CF520_PHASE, r.phase().code(),
                    CF520_DETAIL, r.detail()), r.epochNanos(), TimeUnit.NANOSECONDS);
        }
        if (x.cause() != null) {
            span.addEvent("exception", Attributes.of(EXCEPTION_TYPE, x.cause().getClass().getName(),
                    EXCEPTION_STACKTRACE, stackWithoutMessages(x.cause())), x.endEpochNanos(), TimeUnit.NANOSECONDS);
        }
        if (!risks.isEmpty()) {
            span.setStatus(StatusCode.ERROR, risks.get(0).detail());
        } else if (x.status() >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end(endEpochNanos, TimeUnit.NANOSECONDS);
    }

    private void attributes(AttributeList a, Exchange x, String method, List<Risk> risks) {
        a.put(HTTP_REQUEST_METHOD, method);
        if (method.equals("_OTHER")) {
            a.put(HTTP_REQUEST_METHOD_ORIGINAL, Text.sanitize(x.method()));
        }
        putSanitized(a, URL_PATH, x.path());
        putSanitized(a, URL_SCHEME, x.scheme());
        putSanitized(a, SERVER_ADDRESS, x.serverAddress());
        if (x.serverPort() > 0) {
            a.put(SERVER_PORT, port(x.serverPort()));
        }
        Boolean fromCloudflare = edge.verify(x.peerAddress(), x.requestHeader(Exchange.X_FORWARDED_FOR));
        String connectingIp = x.requestHeader(Exchange.CF_CONNECTING_IP);
        // CF-Connecting-IP names the visitor only when the request really came through Cloudflare;
        // anyone reaching the origin directly can send the header
        putSanitized(a, CLIENT_ADDRESS, connectingIp != null && Boolean.TRUE.equals(fromCloudflare)
                ? connectingIp : x.peerAddress());
        putSanitized(a, NETWORK_PEER_ADDRESS, x.peerAddress());
        putSanitized(a, NETWORK_PROTOCOL_VERSION, x.protocolVersion());
        putSanitized(a, USER_AGENT_ORIGINAL, x.requestHeader(Exchange.USER_AGENT));
        if (x.status() > 0) { // the container wrote three digits: 0 to 999
            a.put(HTTP_RESPONSE_STATUS_CODE, STATUS_CODES[x.status()]);
        }
        if (x.response() != null && x.response().finalHead() != null) {
            // bytes transferred after the header block (the semantic conventions' definition): a body
            // written past its declared Content-Length counts in full, as the edge received it
            a.put(HTTP_RESPONSE_BODY_SIZE, x.response().payloadBytes() + x.response().excessBytes());
        }
        String errorType = errorType(x, risks);
        if (errorType != null) {
            a.put(ERROR_TYPE, errorType);
        }
        cloudflare(a, x, fromCloudflare);
        a.put(CF520_JUDGED, x.judged());
        if (x.clientAbort()) {
            a.put(CF520_CLIENT_ABORT, true);
        }
        if (!risks.isEmpty()) {
            List<String> codes = new ArrayList<>(risks.size());
            for (Risk r : risks) {
                if (!codes.contains(r.reason().code())) {
                    codes.add(r.reason().code());
                }
            }
            a.put(CF520_RISK, true);
            a.put(CF520_REASON, codes.get(0));
            a.put(CF520_REASONS, codes);
            a.put(CF520_PREDICTED_STATUS, (long) risks.get(0).reason().predictedStatus());
            if (x.cause() != null) {
                a.put(CF520_CAUSE, x.cause().getClass().getName());
            }
        }
    }

    private static void cloudflare(AttributeList a, Exchange x, Boolean fromCloudflare) {
        RayId ray = RayId.parse(x.requestHeader(Exchange.CF_RAY));
        if (ray != null) {
            a.put(CF_RAY_HEADER, List.of(Text.sanitize(ray.raw())));
            if (ray.valid()) {
                a.put(CLOUDFLARE_RAY_ID, ray.id());
                a.put(CLOUDFLARE_COLO, ray.colo());
            } else {
                a.put(CLOUDFLARE_RAY_ID_INVALID, true);
            }
        }
        putSanitized(a, CLOUDFLARE_CONNECTING_IP, x.requestHeader(Exchange.CF_CONNECTING_IP));
        putSanitized(a, CLOUDFLARE_IPCOUNTRY, x.requestHeader(Exchange.CF_IPCOUNTRY));
        if (fromCloudflare != null) {
            a.put(CLOUDFLARE_EDGE_VERIFIED, fromCloudflare);
        }
    }

    static String errorType(Exchange x, List<Risk> risks) {
        if (x.cause() != null && !x.clientAbort()) {
            return x.cause().getClass().getName();
        }
        if (!risks.isEmpty()) {
            return risks.get(0).reason().code();
        }
        return x.status() >= 500 ? Integer.toString(x.status()) : null;
    }

    static String method(String m) {
        return m != null && KNOWN_METHODS.contains(m) ? m : "_OTHER";
    }

    private static void putSanitized(AttributeList a, AttributeKey<String> key, String value) {
        if (value != null) {
            a.put(key, Text.sanitize(value));
        }
    }

    /** The server port boxed once, not per span: an origin listens on one or a few. */
    private Long port(int port) {
        Long p = lastPort;
        if (p == null || p != port) {
            p = (long) port;
            lastPort = p;
        }
        return p;
    }

    /** W3C traceparent {@code 00-<32 hex>-<16 hex>-<2 hex>}; null unless well formed. */
    static SpanContext traceparent(String header, String tracestate) {
        if (header == null) {
            return null;
        }
        String v = header.trim();
        if (v.length() < 55 || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-'
                || v.startsWith("ff") || (v.length() > 55 && (v.startsWith("00") || v.charAt(55) != '-'))) {
            return null;
        }
        String traceId = v.substring(3, 35);
        String spanId = v.substring(36, 52);
        String flags = v.substring(53, 55);
        if (!isLowerHex(v.substring(0, 2)) || !isLowerHex(flags)) {
            return null;
        }
        SpanContext sc = SpanContext.createFromRemoteParent(traceId, spanId,
                TraceFlags.fromByte((byte) Integer.parseInt(flags, 16)), TraceState.getDefault());
        return sc.isValid() ? sc : null;
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** Type and frames only: exception messages may quote request or header values. */
    static String stackWithoutMessages(Throwable t) {
        StringBuilder b = new StringBuilder(1024);
        Throwable c = t;
        int depth = 0;
        while (c != null && depth++ < 5) {
            b.append(depth == 1 ? "" : "Caused by: ").append(c.getClass().getName()).append('\n');
            StackTraceElement[] frames = c.getStackTrace();
            int n = Math.min(frames.length, 40);
            for (int i = 0; i < n; i++) {
                b.append("\tat ").append(frames[i]).append('\n');
            }
            if (frames.length > n) {
                b.append("\t... ").append(frames.length - n).append(" more\n");
            }
            c = c.getCause() == c ? null : c.getCause();
        }
        return b.toString();
    }
}
