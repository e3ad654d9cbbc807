package dev.cf520.detect;

/**
 * Why Cloudflare would answer the visitor with an error for this exchange. The codes are a
 * contract (span attributes, metric attributes, alerts): a code never changes once released.
 * Declaration order is precedence: the first reason found is the exchange's primary reason.
 */
public enum Reason {
    SLOW_RESPONSE("slow_response", 524),
    NO_RESPONSE("no_response", 520),
    EXCEPTION_AFTER_COMMIT("exception_after_commit", 520),
    INVALID_STATUS("invalid_status", 520),
    OVERSIZED_HEADERS("oversized_headers", 520),
    INVALID_HEADER("invalid_header", 520),
    CONFLICTING_FRAMING("conflicting_framing", 520),
    TRUNCATED_BODY("truncated_body", 502),
    CONTENT_LENGTH_MISMATCH("content_length_mismatch", 502),
    CONNECTION_RESET("connection_reset", 520),
    SHUTDOWN_INFLIGHT("shutdown_inflight", 520),
    IDLE_CLOSE_RACE("idle_close_race", 520);

    private final String code;
    private final int predictedStatus;

    Reason(String code, int predictedStatus) {
        this.code = code;
        this.predictedStatus = predictedStatus;
    }

    public String code() {
        return code;
    }

    /** What Cloudflare most likely shows the visitor. */
    public int predictedStatus() {
        return predictedStatus;
    }
}
