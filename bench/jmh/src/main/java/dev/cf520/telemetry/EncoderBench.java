package dev.cf520.telemetry;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeSink;
import dev.cf520.detect.Exchanges;
import dev.cf520.detect.Risk;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The export thread's share of {@code cf520.traces=all}: one batch of healthy spans, as cf520's span writer makes
 * them for requests from Cloudflare, encoded as the OTLP request body. Figures are per span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EncoderBench {
    static final int BATCH = 2048; // cf520's default otel.bsp.max.export.batch.size
    private static final String HEAD = "HTTP/1.1 200 \r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 0\r\n"
            + "Date: Wed, 25 Nov 2026 02:00:00 GMT\r\n\r\n";

    private final List<SpanData> batch = new ArrayList<>(BATCH);

    @Setup(Level.Trial)
    public void spans() {
        AgentConfig config = AgentConfig.defaults();
        Resource resource = Resource.getDefault().merge(Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), "cf520-bench")));
        DirectSpans direct = new DirectSpans(Sampler.alwaysOn(), List.of(new Collector(batch)), resource,
                InstrumentationScopeInfo.builder(Telemetry.SCOPE).setVersion("bench").build(), Integer.MAX_VALUE);
        SpanWriter writer = new SpanWriter(SdkTracerProvider.builder().build().get(Telemetry.SCOPE), direct, config,
                new EdgeVerifier(EdgeVerifier.CLOUDFLARE_RANGES, List.of()));
        Exchanges.install(config, new ExchangeSink() {
            @Override
            public void exchangeEnded(Exchange x, List<Risk> risks) {
                writer.write(x, risks);
                x.release();
            }

            @Override
            public void riskWhileRunning(Exchange x, Risk risk) {
            }
        });
        byte[] head = HEAD.getBytes(StandardCharsets.US_ASCII);
        Object key = new Object();
        Object connection = new Object();
        for (int i = 0; i < BATCH; i++) {
            Exchange x = Exchanges.begin(key, "GET", "/hello", "HTTP/1.1", "https");
            x.requestHeader("cf-ray", String.format("%016x-SJC", 0x8e39e2c50f3aab97L + i));
            x.requestHeader("cf-connecting-ip", "203.0.113." + (i % 250));
            x.requestHeader("cf-ipcountry", "NZ");
            x.requestHeader("user-agent", "Mozilla/5.0 (X11; Linux x86_64) bench");
            x.peer("172.68.1." + (i % 250));
            x.server("origin.example.com", 443);
            Exchanges.bindConnection(key, connection);
            Exchanges.wire(connection, head, 0, head.length);
            Exchanges.end(key);
        }
        if (batch.size() != BATCH) {
            throw new IllegalStateException("expected " + BATCH + " spans, got " + batch.size());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] encodeBatch() {
        return OtlpTraceEncoder.encode(batch);
    }

    /** What a batch span processor would queue: the finished spans, as the exporter gets them. */
    private static final class Collector implements SpanProcessor {
        private final List<SpanData> spans;

        Collector(List<SpanData> spans) {
            this.spans = spans;
        }

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            spans.add(span.toSpanData());
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
