package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.log.LogCapture;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExportHealthTest {
    private static final String ENDPOINT = "http://localhost:4318/v1/traces";

    /** Keeps the agent's log lines of tests that do not look at them off the build's stderr. */
    private LogCapture quiet;

    @BeforeEach
    void quiet() {
        quiet = LogCapture.start();
    }

    @AfterEach
    void loud() {
        quiet.close();
    }

    /** A span exporter answering with the next scripted result (the last one repeats). */
    private static final class FakeSpanExporter implements SpanExporter {
        final Deque<Supplier<CompletableResultCode>> script = new ArrayDeque<>();
        final AtomicInteger exports = new AtomicInteger();
        final AtomicInteger shutdowns = new AtomicInteger();
        final AtomicInteger flushes = new AtomicInteger();

        FakeSpanExporter answer(Supplier<CompletableResultCode> r) {
            script.add(r);
            return this;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            exports.incrementAndGet();
            return (script.size() > 1 ? script.poll() : script.peek()).get();
        }

        @Override
        public CompletableResultCode flush() {
            flushes.incrementAndGet();
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            shutdowns.incrementAndGet();
            return CompletableResultCode.ofSuccess();
        }
    }

    private static HttpResponse response(int status, String message) {
        return new HttpResponse() {
            @Override
            public int getStatusCode() {
                return status;
            }

            @Override
            public String getStatusMessage() {
                return message;
            }

            @Override
            public byte[] getResponseBody() {
                return "nope".getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private static CompletableResultCode failedWith(Throwable t) {
        CompletableResultCode r = new CompletableResultCode();
        r.failExceptionally(t);
        return r;
    }

    private static CompletableResultCode httpStatus(int status) {
        return failedWith(FailedExportException.httpFailedWithResponse(response(status, "status " + status)));
    }

    private static CompletableResultCode connectionRefused() {
        return failedWith(FailedExportException.httpFailedExceptionally(
                new java.io.IOException("wrapped", new ConnectException("Connection refused"))));
    }

    private static List<String> warnings(LogCapture log) {
        return log.linesContaining(" WARN ");
    }

    @Test
    void repeatedFailuresGiveOneWarning() {
        FakeSpanExporter fake = new FakeSpanExporter().answer(CompletableResultCode::ofFailure);
        try (LogCapture log = LogCapture.start()) {
            WatchedSpanExporter watched = new WatchedSpanExporter(fake, new ExportHealth("traces", ENDPOINT));
            for (int i = 0; i < 50; i++) {
                assertFalse(watched.export(List.of()).isSuccess());
            }
            assertEquals(50, fake.exports.get(), "a receiver that is down is retried: not refused");
            List<String> warnings = warnings(log);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("cf520 cannot export traces to " + ENDPOINT + ": "), warnings.get(0));
            assertEquals(warnings, log.lines(), "nothing else is logged");
        }
    }

    @Test
    void connectionRefusedIsNamedOnceAndRecoveryIsOneInfoLine() {
        FakeSpanExporter fake = new FakeSpanExporter();
        for (int i = 0; i < 5; i++) {
            fake.answer(ExportHealthTest::connectionRefused);
        }
        fake.answer(CompletableResultCode::ofSuccess);
        try (LogCapture log = LogCapture.start()) {
            WatchedSpanExporter watched = new WatchedSpanExporter(fake, new ExportHealth("traces", ENDPOINT));
            for (int i = 0; i < 10; i++) {
                watched.export(List.of());
            }
            List<String> lines = log.lines();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains(" WARN ") && lines.get(0).contains(": connection refused;"), lines.get(0));
            assertTrue(lines.get(1).contains(" INFO ") && lines.get(1).contains("cf520 traces export to "
                    + ENDPOINT + " works again"), lines.get(1));
            assertEquals(10, fake.exports.get());
        }
    }

    @Test
    void failureAfterRecoveryWarnsAgain() {
        FakeSpanExporter fake = new FakeSpanExporter().answer(() -> httpStatus(503))
                .answer(CompletableResultCode::ofSuccess).answer(() -> httpStatus(503));
        try (LogCapture log = LogCapture.start()) {
            WatchedSpanExporter watched = new WatchedSpanExporter(fake, new ExportHealth("traces", ENDPOINT));
            for (int i = 0; i < 6; i++) {
                watched.export(List.of());
            }
            List<String> warnings = warnings(log);
            assertEquals(2, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains(": HTTP 503;"), warnings.get(0));
            assertEquals(6, fake.exports.get());
        }
    }

    @Test
    void aReceiverThatRefusesTheSignalStopsItsExportForGood() {
        FakeSpanExporter fake = new FakeSpanExporter().answer(() -> httpStatus(404));
        try (LogCapture log = LogCapture.start()) {
            ExportHealth health = new ExportHealth("traces", ENDPOINT);
            WatchedSpanExporter watched = new WatchedSpanExporter(fake, health);
            assertFalse(health.refused());
            assertFalse(watched.export(List.of()).isSuccess());
            assertTrue(health.refused());
            assertEquals(1, fake.exports.get());
            for (int i = 0; i < 20; i++) {
                assertTrue(watched.export(List.of()).isSuccess(), "dropped quietly");
            }
            assertEquals(1, fake.exports.get(), "not forwarded once refused");
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains(" WARN  cf520 the receiver at " + ENDPOINT
                    + " does not take traces (HTTP 404); traces export stopped"), lines.get(0));
        }
    }

    @Test
    void otherRefusalStatusesStopToo() {
        for (int status : new int[] {405, 415, 501}) {
            FakeSpanExporter fake = new FakeSpanExporter().answer(() -> httpStatus(status));
            ExportHealth health = new ExportHealth("traces", ENDPOINT);
            WatchedSpanExporter watched = new WatchedSpanExporter(fake, health);
            watched.export(List.of());
            assertTrue(health.refused(), "HTTP " + status);
            watched.export(List.of());
            assertEquals(1, fake.exports.get(), "HTTP " + status);
        }
    }

    @Test
    void serverErrorsAndUnreachableReceiversAreNotRefusals() {
        for (Supplier<CompletableResultCode> failure : List.<Supplier<CompletableResultCode>>of(
                () -> httpStatus(500), () -> httpStatus(503), () -> httpStatus(400),
                ExportHealthTest::connectionRefused, CompletableResultCode::ofFailure)) {
            FakeSpanExporter fake = new FakeSpanExporter().answer(failure);
            ExportHealth health = new ExportHealth("traces", ENDPOINT);
            WatchedSpanExporter watched = new WatchedSpanExporter(fake, health);
            int before = warnings(quiet).size();
            watched.export(List.of());
            watched.export(List.of());
            assertFalse(health.refused());
            assertEquals(2, fake.exports.get());
            assertEquals(before + 1, warnings(quiet).size(), "one warning for two failures");
        }
    }

    @Test
    void resultThatCompletesLaterIsWatchedToo() {
        CompletableResultCode pending = new CompletableResultCode();
        FakeSpanExporter fake = new FakeSpanExporter().answer(() -> pending);
        ExportHealth health = new ExportHealth("traces", ENDPOINT);
        WatchedSpanExporter watched = new WatchedSpanExporter(fake, health);
        CompletableResultCode r = watched.export(List.of());
        assertFalse(r.isDone());
        assertFalse(health.refused());
        pending.failExceptionally(FailedExportException.httpFailedWithResponse(response(404, "Not Found")));
        assertTrue(health.refused());
    }

    @Test
    void shutdownReachesTheDelegateOnceFlushAlways() {
        FakeSpanExporter fake = new FakeSpanExporter().answer(CompletableResultCode::ofSuccess);
        WatchedSpanExporter watched = new WatchedSpanExporter(fake, new ExportHealth("traces", ENDPOINT));
        watched.flush();
        watched.flush();
        assertEquals(2, fake.flushes.get());
        assertTrue(watched.shutdown().isSuccess());
        assertTrue(watched.shutdown().isSuccess());
        assertEquals(1, fake.shutdowns.get(), "shared by both queues: shut down once");
    }

    @Test
    void metricExporterStopsWhenTheReceiverRefusesMetrics() {
        AtomicInteger exports = new AtomicInteger();
        MetricExporter fake = new MetricExporter() {
            @Override
            public CompletableResultCode export(Collection<MetricData> metrics) {
                exports.incrementAndGet();
                return httpStatus(404);
            }

            @Override
            public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
                return AggregationTemporality.DELTA;
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        String endpoint = "http://localhost:16686/v1/metrics";
        try (LogCapture log = LogCapture.start()) {
            ExportHealth health = new ExportHealth("metrics", endpoint);
            WatchedMetricExporter watched = new WatchedMetricExporter(fake, health);
            assertEquals(AggregationTemporality.DELTA, watched.getAggregationTemporality(InstrumentType.COUNTER));
            for (int i = 0; i < 10; i++) {
                watched.export(List.of());
            }
            assertTrue(health.refused());
            assertEquals(1, exports.get());
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("does not take metrics (HTTP 404); metrics export stopped"), lines.get(0));
        }
    }
}
