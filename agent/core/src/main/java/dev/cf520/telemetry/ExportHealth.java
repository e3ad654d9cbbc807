package dev.cf520.telemetry;

import dev.cf520.log.Logs;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Turns an exporter's failures into one clear line instead of a stack trace per batch: the first
 * failure is a WARN naming the receiver and what to do, repeated at most every ten minutes while it
 * lasts; recovery is one INFO line. A receiver that answers that it does not take this signal
 * (Jaeger takes traces, not metrics) ends export of that signal for good, with one WARN.
 */
final class ExportHealth {
    private static final Logger LOG = Logs.get(ExportHealth.class);
    private static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final String signal; // "traces" or "metrics", as in otel.traces.exporter
    private final String endpoint;
    private volatile boolean failing;
    private volatile boolean refused;
    private long lastWarning;

    ExportHealth(String signal, String endpoint) {
        this.signal = signal;
        this.endpoint = endpoint;
    }

    /** True once the receiver said it does not take this signal: callers stop exporting. */
    boolean refused() {
        return refused;
    }

    CompletableResultCode watch(CompletableResultCode result) {
        result.whenComplete(() -> {
            if (result.isSuccess()) {
                if (failing) {
                    failing = false;
                    LOG.info("cf520 {} export to {} works again", signal, endpoint);
                }
            } else {
                failed(result.getFailureThrowable());
            }
        });
        return result;
    }

    private synchronized void failed(Throwable t) {
        int status = -1;
        if (t instanceof FailedExportException.HttpExportException
                && ((FailedExportException.HttpExportException) t).failedWithResponse()) {
            status = ((FailedExportException.HttpExportException) t).getResponse().getStatusCode();
        }
        if (status == 404 || status == 405 || status == 415 || status == 501) {
            if (!refused) {
                refused = true;
                LOG.warn(Logs.URGENT, "cf520 the receiver at {} does not take {} (HTTP {}); {} export stopped, the rest "
                        + "continues. Set otel.{}.exporter=none, or point it at a receiver that takes {}",
                        endpoint, signal, status, signal, signal, signal);
            }
            return;
        }
        long now = System.nanoTime();
        if (!failing || now - lastWarning >= REPEAT_NANOS) {
            failing = true;
            lastWarning = now;
            LOG.warn(Logs.URGENT, "cf520 cannot export {} to {}: {}; they are dropped until it answers "
                    + "(set otel.exporter.otlp.endpoint to your Jaeger or collector)", signal, endpoint, reason(t, status));
        }
    }

    private static String reason(Throwable t, int status) {
        if (status > 0) {
            return "HTTP " + status;
        }
        for (Throwable r = t; r != null && r.getCause() != r; r = r.getCause()) {
            if (r instanceof java.util.concurrent.RejectedExecutionException) {
                // the sender's threads are all busy retrying earlier batches: the receiver does not answer
                return "no answer (earlier exports are still being retried)";
            }
        }
        Throwable c = t;
        while (c != null && c.getCause() != null && c.getCause() != c) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
                break;
            }
            c = c.getCause();
        }
        if (c instanceof ConnectException) {
            return "connection refused";
        }
        return c == null ? "unknown error" : c.getClass().getSimpleName()
                + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
    }
}
