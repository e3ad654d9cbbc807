package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK's OTLP http/protobuf exporter with cf520's encoder: on the wire, what the SDK alone would send. */
class EncodingSpanExporterTest {
    private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
    private HttpServer receiver;

    private static final class Request {
        final String path;
        final String contentType;
        final String encoding;
        final byte[] body;

        Request(String path, String contentType, String encoding, byte[] body) {
            this.path = path;
            this.contentType = contentType;
            this.encoding = encoding;
            this.body = body;
        }
    }

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", x -> {
            byte[] body;
            try (InputStream in = x.getRequestBody()) {
                body = in.readAllBytes();
            }
            received.add(new Request(x.getRequestURI().getPath(), x.getRequestHeaders().getFirst("Content-Type"),
                    x.getRequestHeaders().getFirst("Content-Encoding"), body));
            x.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            x.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            x.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String endpoint() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces";
    }

    @Test
    void theOtlpHttpProtobufExporterGetsTheEncoder() {
        SpanExporter sdk = OtlpHttpSpanExporter.builder().setEndpoint(endpoint()).build();
        // fails when the SDK's internals moved (a new SDK version): the encoder then silently stays unused
        assertInstanceOf(EncodingSpanExporter.class, EncodingSpanExporter.around(sdk));
        sdk.shutdown();
    }

    @Test
    void otherExportersStayAsTheyAre() {
        // (the SDK 1.68 span exporter has no public http/json switch; its HttpExporter has one, and json stays the SDK's)
        InMemorySpanExporter memory = InMemorySpanExporter.create();
        assertSame(memory, EncodingSpanExporter.around(memory));
    }

    @Test
    void whatGoesOnTheWireIsWhatTheSdkWouldSend() throws Exception {
        assertSentAsTheSdkSends(OtlpHttpSpanExporter.builder().setEndpoint(endpoint()).build(), null);
    }

    @Test
    void gzipIsTheSdksToo() throws Exception {
        assertSentAsTheSdkSends(OtlpHttpSpanExporter.builder().setEndpoint(endpoint()).setCompression("gzip").build(),
                "gzip");
    }

    @Test
    void aSpanTheEncoderCannotWriteGoesThroughTheSdk() throws Exception {
        List<SpanData> spans = List.of(span("structured").setAttributes(Attributes.of(AttributeKey.valueKey("v"),
                Value.of(Value.of("a"), Value.of(1L)))).build());
        SpanExporter exporter = EncodingSpanExporter.around(
                OtlpHttpSpanExporter.builder().setEndpoint(endpoint()).build());
        try {
            assertTrue(exporter.export(spans).join(10, TimeUnit.SECONDS).isSuccess());
            Request r = received.poll(10, TimeUnit.SECONDS);
            assertEquals(OtlpTraceEncoderTest.canonical(OtlpTraceEncoderTest.sdk(spans)),
                    OtlpTraceEncoderTest.canonical(ExportTraceServiceRequest.parseFrom(r.body)));
        } finally {
            exporter.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailedExportFailsAsTheSdksDoes() throws Exception {
        receiver.stop(0);
        SpanExporter exporter = EncodingSpanExporter.around(OtlpHttpSpanExporter.builder().setEndpoint(endpoint())
                .setRetryPolicy(null).build());
        try {
            CompletableResultCode result = exporter.export(List.of(span("lost").build())).join(10, TimeUnit.SECONDS);
            assertTrue(result.isDone() && !result.isSuccess(), "the receiver is gone");
        } finally {
            exporter.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private void assertSentAsTheSdkSends(OtlpHttpSpanExporter sdk, String encoding) throws Exception {
        List<SpanData> spans = List.of(span("GET /hello").setKind(SpanKind.SERVER).setAttributes(Attributes.builder()
                .put("http.response.status_code", 200L).put("cf.ray", "8f1e2d3c4b5a6978-AMS").build()).build(),
                span("GET /big").setKind(SpanKind.SERVER).build());
        SpanExporter exporter = EncodingSpanExporter.around(sdk);
        try {
            assertInstanceOf(EncodingSpanExporter.class, exporter);
            assertTrue(exporter.export(spans).join(10, TimeUnit.SECONDS).isSuccess());
            Request r = received.poll(10, TimeUnit.SECONDS);
            assertEquals("/v1/traces", r.path);
            assertEquals("application/x-protobuf", r.contentType);
            assertEquals(encoding, r.encoding);
            byte[] body = encoding == null ? r.body : new GZIPInputStream(new java.io.ByteArrayInputStream(r.body))
                    .readAllBytes();
            assertEquals(OtlpTraceEncoderTest.canonical(OtlpTraceEncoderTest.sdk(spans)),
                    OtlpTraceEncoderTest.canonical(ExportTraceServiceRequest.parseFrom(body)));
        } finally {
            exporter.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private static TestSpanData.Builder span(String name) {
        return TestSpanData.builder().setName(name).setKind(SpanKind.INTERNAL)
                .setSpanContext(SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                        TraceFlags.getSampled(), TraceState.getDefault()))
                .setResource(Resource.getDefault()).setInstrumentationScopeInfo(InstrumentationScopeInfo.create("dev.cf520"))
                .setStartEpochNanos(1_700_000_000_000_000_000L).setEndEpochNanos(1_700_000_000_250_000_000L)
                .setHasEnded(true).setStatus(StatusData.unset());
    }
}
