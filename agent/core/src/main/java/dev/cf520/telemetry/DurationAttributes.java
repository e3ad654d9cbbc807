package dev.cf520.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

/**
 * The attributes of {@code http.server.request.duration} for an exchange without an error, built
 * once per (method, scheme, status) and reused: recording a healthy exchange allocates nothing.
 * Racy publication is fine: Attributes are immutable, a lost race only builds one twice.
 */
final class DurationAttributes {
    private static final String[] METHODS =
            {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY", "_OTHER"};
    private static final String[] SCHEMES = {"http", "https"};
    private static final int MIN_STATUS = 100;
    private static final int STATUSES = 500;

    private final Attributes[][] cache = new Attributes[METHODS.length * SCHEMES.length][];

    /** Null when this combination is not cached (an unusual scheme or status): build it then. */
    Attributes get(String method, String scheme, int status) {
        int m = indexOf(METHODS, method);
        int s = indexOf(SCHEMES, scheme);
        if (m < 0 || s < 0 || status < MIN_STATUS || status >= MIN_STATUS + STATUSES) {
            return null;
        }
        int row = m * SCHEMES.length + s;
        Attributes[] byStatus = cache[row];
        if (byStatus == null) {
            byStatus = new Attributes[STATUSES];
            cache[row] = byStatus;
        }
        Attributes a = byStatus[status - MIN_STATUS];
        if (a == null) {
            a = build(method, scheme, status, null);
            byStatus[status - MIN_STATUS] = a;
        }
        return a;
    }

    static Attributes build(String method, String scheme, int status, String errorType) {
        AttributesBuilder a = Attributes.builder()
                .put(SpanAttributes.HTTP_REQUEST_METHOD, method)
                .put(SpanAttributes.URL_SCHEME, scheme);
        if (status > 0) {
            a.put(SpanAttributes.HTTP_RESPONSE_STATUS_CODE, status);
        }
        if (errorType != null) {
            a.put(SpanAttributes.ERROR_TYPE, errorType);
        }
        return a.build();
    }

    private static int indexOf(String[] values, String v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(v)) {
                return i;
            }
        }
        return -1;
    }
}
