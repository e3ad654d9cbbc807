package dev.cf520.telemetry;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.IdleCloses;
import dev.cf520.detect.ExchangeSink;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent's own OpenTelemetry SDK (relocated: invisible to the application's), configured by
 * autoconfigure from the usual {@code otel.*} properties and {@code OTEL_*} variables, with
 * cf520's defaults underneath: OTLP http/protobuf to localhost:4318, where Jaeger listens.
 */
public final class Telemetry {
    static final String SCOPE = "dev.cf520";

    private final OpenTelemetrySdk sdk;
    private final ExchangeSink sink;
    private final IdleCloses.Listener idleCloses;

    private Telemetry(OpenTelemetrySdk sdk, ExchangeSink sink, IdleCloses.Listener idleCloses) {
        this.sdk = sdk;
        this.sink = sink;
        this.idleCloses = idleCloses;
    }

    /** Builds the SDK; throws with a readable message when the otel.* settings are unusable. */
    public static Telemetry start(AgentConfig config, EdgeVerifier edge) {
        return start(config, edge, Map.of());
    }

    /** @param overrides otel.* settings given to the agent itself (attach): they win over the JVM's own */
    public static Telemetry start(AgentConfig config, EdgeVerifier edge, Map<String, String> overrides) {
        Map<String, String> defaults = defaults();
        SpanExporter[] traces = new SpanExporter[1];
        List<SpanProcessor> processors = new ArrayList<>();
        Resource[] resource = new Resource[1];
        AutoConfiguredOpenTelemetrySdk auto = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesCustomizer(props -> overrides)
                .addResourceCustomizer((r, props) -> {
                    resource[0] = r; // the last customizer: the resource as the SDK will use it
                    return r;
                })
                .addSpanExporterCustomizer((exporter, props) -> {
                    traces[0] = new WatchedSpanExporter(EncodingSpanExporter.around(exporter),
                            new ExportHealth("traces", endpoint(props, "traces")));
                    return traces[0];
                })
                .addSpanProcessorCustomizer((processor, props) -> {
                    SpanProcessor p = riskFirst(processor, traces[0], props);
                    processors.add(p);
                    return p;
                })
                .addMetricExporterCustomizer((exporter, props) -> new WatchedMetricExporter(exporter,
                        new ExportHealth("metrics", endpoint(props, "metrics"))))
                .addSamplerCustomizer((sampler, props) -> new RiskAwareSampler(sampler))
                .setServiceClassLoader(Telemetry.class.getClassLoader())
                .disableShutdownHook()
                .build();
        OpenTelemetrySdk sdk = auto.getOpenTelemetrySdk();
        String version = Telemetry.class.getPackage().getImplementationVersion();
        if (version == null) {
            version = "unpackaged"; // classes outside the agent jar (tests, benchmarks): the SDK warns about null
        }
        // spans of exchanges without a risk go past the SDK's span builder, to the same sampler and processors
        DirectSpans direct = processors.isEmpty() || resource[0] == null ? null : new DirectSpans(
                sdk.getSdkTracerProvider().getSampler(), processors, resource[0],
                InstrumentationScopeInfo.builder(SCOPE).setVersion(version).build(),
                sdk.getSdkTracerProvider().getSpanLimits().getMaxAttributeValueLength());
        SpanWriter spans = new SpanWriter(sdk.getTracer(SCOPE, version), direct, config, edge);
        RiskMetrics metrics = new RiskMetrics(sdk.getMeter(SCOPE));
        IdleCloseTelemetry idle = new IdleCloseTelemetry(sdk.getMeter(SCOPE), metrics, sdk.getTracer(SCOPE, version));
        return new Telemetry(sdk, new TelemetrySink(spans, metrics, new RiskLogLine(), config.riskyTracesOnly(),
                new EdgeBypassLog(edge)), idle);
    }

    /** Builds the edge verifier, falling back to the built-in ranges when the file cannot be read. */
    public static EdgeVerifier edgeVerifier(AgentConfig config, List<String> problems) {
        List<String> ranges = EdgeVerifier.CLOUDFLARE_RANGES;
        if (config.cloudflareIpsFile() != null) {
            try {
                ranges = EdgeVerifier.readRanges(Paths.get(config.cloudflareIpsFile()));
            } catch (Exception e) {
                problems.add(AgentConfig.CLOUDFLARE_IPS_FILE + "=" + config.cloudflareIpsFile()
                        + " cannot be used (" + e.getMessage() + "); using the built-in Cloudflare ranges");
            }
        }
        try {
            return new EdgeVerifier(ranges, config.trustedProxies());
        } catch (IllegalArgumentException e) {
            problems.add(AgentConfig.TRUSTED_PROXIES + ": " + e.getMessage() + "; trusting no proxy");
            return new EdgeVerifier(ranges, List.of());
        }
    }

    private static SpanProcessor riskFirst(SpanProcessor configured, SpanExporter exporter, ConfigProperties props) {
        if (exporter == null) {
            return configured; // otel.traces.exporter=none
        }
        SpanProcessor risky = BatchSpanProcessor.builder(exporter)
                .setScheduleDelay(props.getDuration("otel.bsp.schedule.delay", java.time.Duration.ofSeconds(5)))
                .setMaxQueueSize(props.getInt("otel.bsp.max.queue.size", 2048))
                .build();
        return new RiskFirstSpanProcessor(configured, risky);
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new HashMap<>();
        d.put("otel.traces.exporter", "otlp");
        d.put("otel.metrics.exporter", "otlp");
        d.put("otel.logs.exporter", "none");
        d.put("otel.exporter.otlp.protocol", "http/protobuf");
        // In `all` mode a span per request: batches of 2048 instead of the SDK's 512 cut the export
        // threads' CPU (JDK HttpClient per POST, batch drain) from ~5.5 to ~3.5 µs per span on /hello.
        // The queue holds two batches (~6 MB of spans at most).
        d.put("otel.bsp.max.export.batch.size", "2048");
        d.put("otel.bsp.max.queue.size", "4096");
        // the SDK's default (trace_based) looks up the current span at every recording, but the agent's spans are
        // never current (they are written when an exchange has ended), so no exemplar could ever be taken
        d.put("otel.metrics.exemplar.filter", "always_off");
        boolean named = System.getProperty("otel.service.name") != null || System.getenv("OTEL_SERVICE_NAME") != null
                || String.valueOf(System.getProperty("otel.resource.attributes")).contains("service.name")
                || String.valueOf(System.getenv("OTEL_RESOURCE_ATTRIBUTES")).contains("service.name");
        if (!named) {
            d.put("otel.service.name", "cf520-origin");
        }
        return d;
    }

    static String endpoint(ConfigProperties props, String signal) {
        String specific = props.getString("otel.exporter.otlp." + signal + ".endpoint");
        if (specific != null) {
            return specific;
        }
        String base = props.getString("otel.exporter.otlp.endpoint", "http://localhost:4318");
        return (base.endsWith("/") ? base : base + "/") + "v1/" + signal;
    }

    /** Where container adapters' idle-close reports go once the SDK is up. */
    public IdleCloses.Listener idleCloses() {
        return idleCloses;
    }

    public ExchangeSink sink() {
        return sink;
    }

    public OpenTelemetry openTelemetry() {
        return sdk;
    }

    /** Exports what is queued and stops; bounded so JVM shutdown is never held up for long. */
    public void shutdown(long millis) {
        sdk.getSdkTracerProvider().forceFlush().join(millis, TimeUnit.MILLISECONDS);
        sdk.getSdkMeterProvider().forceFlush().join(millis, TimeUnit.MILLISECONDS);
        sdk.shutdown().join(millis, TimeUnit.MILLISECONDS);
    }
}
