package dev.cf520.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/** Attribute names of the telemetry contract (DESIGN.md): OpenTelemetry HTTP conventions, cloudflare.*, cf520.*. */
final class SpanAttributes {
    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
    static final AttributeKey<String> NETWORK_PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> USER_AGENT_ORIGINAL = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> HTTP_RESPONSE_BODY_SIZE = AttributeKey.longKey("http.response.body.size");
    static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");

    static final AttributeKey<List<String>> CF_RAY_HEADER = AttributeKey.stringArrayKey("http.request.header.cf-ray");
    static final AttributeKey<String> CLOUDFLARE_RAY_ID = AttributeKey.stringKey("cloudflare.ray_id");
    static final AttributeKey<String> CLOUDFLARE_COLO = AttributeKey.stringKey("cloudflare.colo");
    static final AttributeKey<Boolean> CLOUDFLARE_RAY_ID_INVALID = AttributeKey.booleanKey("cloudflare.ray_id_invalid");
    static final AttributeKey<String> CLOUDFLARE_CONNECTING_IP = AttributeKey.stringKey("cloudflare.connecting_ip");
    static final AttributeKey<String> CLOUDFLARE_IPCOUNTRY = AttributeKey.stringKey("cloudflare.ipcountry");
    static final AttributeKey<Boolean> CLOUDFLARE_EDGE_VERIFIED = AttributeKey.booleanKey("cloudflare.edge_verified");

    static final AttributeKey<Boolean> CF520_JUDGED = AttributeKey.booleanKey("cf520.judged");
    static final AttributeKey<Boolean> CF520_CLIENT_ABORT = AttributeKey.booleanKey("cf520.client_abort");
    static final AttributeKey<Boolean> CF520_RISK = AttributeKey.booleanKey("cf520.risk");
    static final AttributeKey<String> CF520_REASON = AttributeKey.stringKey("cf520.reason");
    static final AttributeKey<List<String>> CF520_REASONS = AttributeKey.stringArrayKey("cf520.reasons");
    static final AttributeKey<Long> CF520_PREDICTED_STATUS = AttributeKey.longKey("cf520.predicted_status");
    static final AttributeKey<String> CF520_CAUSE = AttributeKey.stringKey("cf520.cause");
    static final AttributeKey<String> CF520_PHASE = AttributeKey.stringKey("cf520.phase");
    static final AttributeKey<String> CF520_DETAIL = AttributeKey.stringKey("cf520.detail");
    static final AttributeKey<String> CF520_CONTAINER = AttributeKey.stringKey("cf520.container");
    static final AttributeKey<Boolean> CF520_IDLE_CLOSE_RACE = AttributeKey.booleanKey("cf520.idle_close_race");

    private SpanAttributes() {
    }
}
