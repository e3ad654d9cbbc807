package dev.cf520.bench;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * {@code otel.traces.exporter=discard} / {@code otel.metrics.exporter=discard}: the whole SDK path
 * (sampler, span, batch processor, metric aggregation) runs, the network does not.
 */
public final class Discard {
    private Discard() {
    }

    /** Keeps the JIT from dropping the reads below. */
    static volatile long seen;

    public static final class Spans implements ConfigurableSpanExporterProvider {
        @Override
        public SpanExporter createExporter(ConfigProperties config) {
            return new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    // what every exporter reads of a span, so that a span whose data is only made when read
                    // is measured with that cost (an OTLP exporter then also encodes it: not measured here)
                    for (SpanData s : spans) {
                        seen += s.getTraceId().length() + s.getSpanId().length() + s.getName().length();
                        s.getAttributes().forEach((k, v) -> seen += k.getKey().length());
                        seen += s.getEvents().size() + s.getLinks().size() + s.getTotalAttributeCount();
                    }
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
            };
        }

        @Override
        public String getName() {
            return "discard";
        }
    }

    public static final class Metrics implements ConfigurableMetricExporterProvider {
        @Override
        public MetricExporter createExporter(ConfigProperties config) {
            return new MetricExporter() {
                @Override
                public AggregationTemporality getAggregationTemporality(InstrumentType type) {
                    return AggregationTemporality.CUMULATIVE;
                }

                @Override
                public Aggregation getDefaultAggregation(InstrumentType type) {
                    return Aggregation.defaultAggregation();
                }

                @Override
                public MemoryMode getMemoryMode() {
                    return MemoryMode.REUSABLE_DATA;
                }

                @Override
                public CompletableResultCode export(Collection<MetricData> metrics) {
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
            };
        }

        @Override
        public String getName() {
            return "discard";
        }
    }
}
