package dev.cf520.detect;

/** Where in the exchange the fault reached the wire. */
public enum Phase {
    BEFORE_HEADERS("before_headers"),
    DURING_BODY("during_body"),
    AFTER_BODY("after_body"),
    IDLE_CONNECTION("idle_connection");

    private final String code;

    Phase(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
