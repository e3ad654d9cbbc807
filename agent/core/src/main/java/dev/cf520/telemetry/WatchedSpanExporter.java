package dev.cf520.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;

/** Reports failures through {@link ExportHealth}; shared by both queues of {@link RiskFirstSpanProcessor}. */
final class WatchedSpanExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final ExportHealth health;
    private final AtomicBoolean shutDown = new AtomicBoolean();

    WatchedSpanExporter(SpanExporter delegate, ExportHealth health) {
        this.delegate = delegate;
        this.health = health;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (health.refused()) {
            return CompletableResultCode.ofSuccess();
        }
        return health.watch(delegate.export(spans));
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return shutDown.compareAndSet(false, true) ? delegate.shutdown() : CompletableResultCode.ofSuccess();
    }
}
