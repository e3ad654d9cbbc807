package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RiskFirstSpanProcessorTest {

    /** Records what reaches it, and how often it was flushed and shut down. */
    private static final class Recording implements SpanProcessor {
        final List<String> ended = new ArrayList<>();
        int started;
        int flushes;
        int shutdowns;

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
            started++;
        }

        @Override
        public boolean isStartRequired() {
            return true;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            ended.add(span.getName());
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }

        @Override
        public CompletableResultCode forceFlush() {
            flushes++;
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            shutdowns++;
            return CompletableResultCode.ofSuccess();
        }
    }

    private static void span(Tracer tracer, String name, Boolean risk) {
        io.opentelemetry.api.trace.SpanBuilder b = tracer.spanBuilder(name);
        if (risk != null) {
            b.setAttribute(SpanAttributes.CF520_RISK, risk);
        }
        b.startSpan().end();
    }

    @Test
    void riskySpansGoToTheRiskyProcessorOthersToTheHealthyOne() {
        Recording healthy = new Recording();
        Recording risky = new Recording();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(new RiskFirstSpanProcessor(healthy, risky)).build();
        Tracer tracer = provider.get("test");
        span(tracer, "h1", null);
        span(tracer, "r1", true);
        span(tracer, "h2", false);
        span(tracer, "r2", true);

        assertEquals(List.of("h1", "h2"), healthy.ended);
        assertEquals(List.of("r1", "r2"), risky.ended);
        assertEquals(0, healthy.started + risky.started, "spans are built complete: no onStart");

        assertTrue(provider.forceFlush().join(5, TimeUnit.SECONDS).isSuccess());
        assertEquals(1, healthy.flushes);
        assertEquals(1, risky.flushes);
        assertTrue(provider.shutdown().join(5, TimeUnit.SECONDS).isSuccess());
        assertEquals(1, healthy.shutdowns);
        assertEquals(1, risky.shutdowns);
    }

    @Test
    void routesToSeparateExporters() {
        InMemorySpanExporter healthyOut = InMemorySpanExporter.create();
        InMemorySpanExporter riskyOut = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(new RiskFirstSpanProcessor(SimpleSpanProcessor.create(healthyOut),
                        SimpleSpanProcessor.create(riskyOut))).build();
        Tracer tracer = provider.get("test");
        span(tracer, "healthy", null);
        span(tracer, "risky", true);
        assertEquals(1, healthyOut.getFinishedSpanItems().size());
        assertEquals("healthy", healthyOut.getFinishedSpanItems().get(0).getName());
        assertEquals(1, riskyOut.getFinishedSpanItems().size());
        assertEquals("risky", riskyOut.getFinishedSpanItems().get(0).getName());
        provider.shutdown();
    }

    /** An exporter whose every export waits until the test lets it go (a receiver that is slow). */
    private static final class SlowExporter implements SpanExporter {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger exported = new AtomicInteger();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exported.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Test
    void aFloodOfHealthySpansCannotDropRiskySpans() {
        SlowExporter slow = new SlowExporter();
        SpanProcessor healthy = BatchSpanProcessor.builder(slow).setMaxQueueSize(1).setMaxExportBatchSize(1)
                .setScheduleDelay(Duration.ofMillis(1)).build();
        InMemorySpanExporter riskyOut = InMemorySpanExporter.create();
        SpanProcessor risky = BatchSpanProcessor.builder(riskyOut).setScheduleDelay(Duration.ofMillis(10)).build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(new RiskFirstSpanProcessor(healthy, risky)).build();
        Tracer tracer = provider.get("test");

        for (int i = 0; i < 100; i++) {
            span(tracer, "healthy-" + i, null);
            if (i % 20 == 10) {
                span(tracer, "risky-" + i, true);
            }
        }
        slow.release.countDown();
        assertTrue(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess());

        Set<String> arrived = new HashSet<>();
        for (SpanData s : riskyOut.getFinishedSpanItems()) {
            arrived.add(s.getName());
        }
        assertEquals(Set.of("risky-10", "risky-30", "risky-50", "risky-70", "risky-90"), arrived);
        int healthyExported = slow.exported.get();
        assertTrue(healthyExported < 100, "the healthy queue was under pressure and dropped: " + healthyExported);
        assertFalse(riskyOut.getFinishedSpanItems().stream().anyMatch(s -> s.getName().startsWith("healthy")));
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}
