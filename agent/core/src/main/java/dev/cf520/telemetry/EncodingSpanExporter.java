package dev.cf520.telemetry;

import dev.cf520.detect.AgentErrors;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.marshal.Serializer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.internal.HttpExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.util.Collection;

/**
 * The SDK's OTLP http/protobuf span exporter with {@link OtlpTraceEncoder} in place of its marshaler. Everything
 * else is the SDK's, as configured by the otel.exporter.otlp.* settings: endpoint, headers, compression, timeout,
 * TLS, retries, its own failure logging. The SDK gives no public way to send bytes through a configured exporter,
 * so its internal HttpExporter is taken from the exporter's field: the SDK is shaded into this jar at a pinned
 * version ({@code EncodingSpanExporterTest} fails if the field goes). Anything else (http/json, gRPC, another
 * exporter, a field not found) stays the SDK's exporter, unchanged.
 */
final class EncodingSpanExporter implements SpanExporter {
    private final SpanExporter sdk;
    private final HttpExporter http;

    private EncodingSpanExporter(SpanExporter sdk, HttpExporter http) {
        this.sdk = sdk;
        this.http = http;
    }

    /** The exporter to use: this one around an OTLP http/protobuf exporter, else {@code exporter} itself. */
    static SpanExporter around(SpanExporter exporter) {
        if (!(exporter instanceof OtlpHttpSpanExporter)) {
            return exporter;
        }
        try {
            HttpExporter http = (HttpExporter) field(OtlpHttpSpanExporter.class, "delegate").get(exporter);
            boolean json = field(HttpExporter.class, "exportAsJson").getBoolean(http);
            return json ? exporter : new EncodingSpanExporter(exporter, http);
        } catch (ReflectiveOperationException | RuntimeException e) {
            AgentErrors.suppressed(e);
            return exporter;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        byte[] request;
        try {
            request = OtlpTraceEncoder.encode(spans);
        } catch (UnsupportedOperationException e) {
            return sdk.export(spans); // an attribute type newer than the encoder
        }
        return http.export(new Encoded(request), spans.size());
    }

    @Override
    public CompletableResultCode flush() {
        return sdk.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return sdk.shutdown(); // shuts the HttpExporter down too
    }

    @Override
    public String toString() {
        return "EncodingSpanExporter{" + sdk + "}";
    }

    /** A request already encoded, handed to the SDK's sender as it is. */
    private static final class Encoded extends Marshaler {
        private final byte[] bytes;

        Encoded(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int getBinarySerializedSize() {
            return bytes.length;
        }

        @Override
        protected void writeTo(Serializer output) throws IOException {
            output.writeSerializedMessage(bytes, null); // only the binary form is asked for: json stays the SDK's
        }

        @Override
        public MessageWriter toBinaryMessageWriter() {
            return new MessageWriter() {
                @Override
                public void writeMessage(OutputStream out) throws IOException {
                    out.write(bytes);
                }

                @Override
                public int getContentLength() {
                    return bytes.length;
                }
            };
        }
    }
}
