package dev.cf520.bench;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeSink;
import dev.cf520.detect.Exchanges;
import dev.cf520.detect.Risk;
import dev.cf520.telemetry.Telemetry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One healthy exchange as a container adapter drives it: begin with the request line, the captured
 * request headers, peer and server, bind to the connection, the response's bytes as they go to the
 * socket (heap or direct buffers), end. {@code telemetry} picks what happens at the end:
 * {@code off} the rules only (a sink that does nothing), {@code risky} and {@code all} cf520's real
 * SDK wiring with exporters that discard (span, batch queue, metrics, as in production).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExchangeBench {
    static final String HEAD = "HTTP/1.1 200 \r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 33\r\n"
            + "Date: Wed, 25 Nov 2026 02:00:00 GMT\r\nKeep-Alive: timeout=60\r\nConnection: keep-alive\r\n\r\n";
    static final String BODY = "hello from the cf520 demo origin\n";

    @Param({"off", "risky", "all"})
    public String telemetry;

    private final Object key = new Object();
    private final Object connection = new Object();
    private final byte[] head = HEAD.getBytes(StandardCharsets.US_ASCII);
    private final byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
    private final ByteBuffer directHead = direct(head);
    private final ByteBuffer directBody = direct(body);
    private Telemetry sdk;

    @Setup(Level.Trial)
    public void install() {
        AgentConfig config = AgentConfig.from(Map.of("cf520.traces", "off".equals(telemetry) ? "all" : telemetry),
                Map.of(), Map.of());
        ExchangeSink sink;
        if ("off".equals(telemetry)) {
            sink = new ExchangeSink() {
                @Override
                public void exchangeEnded(Exchange exchange, List<Risk> risks) {
                    exchange.release(); // as the telemetry sink does when it is done
                }

                @Override
                public void riskWhileRunning(Exchange exchange, Risk risk) {
                }
            };
        } else {
            sdk = Telemetry.start(config, Telemetry.edgeVerifier(config, new java.util.ArrayList<>()),
                    Map.of("otel.traces.exporter", "discard", "otel.metrics.exporter", "discard",
                            "otel.service.name", "cf520-bench"));
            sink = sdk.sink();
        }
        Exchanges.install(config, sink);
    }

    @TearDown(Level.Trial)
    public void shutdown() {
        if (sdk != null) {
            sdk.shutdown(2000);
        }
    }

    private static ByteBuffer direct(byte[] b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        return d;
    }

    private Exchange begin() {
        Exchange x = Exchanges.begin(key, "GET", "/hello", "HTTP/1.1", "http");
        x.requestHeader("cf-ray", "8e39e2c50f3aab97-SJC");
        x.requestHeader("cf-connecting-ip", "203.0.113.7");
        x.requestHeader("cf-ipcountry", "NZ");
        x.requestHeader("user-agent", "Mozilla/5.0 (X11; Linux x86_64) bench");
        x.peer("127.0.0.1");
        x.server("127.0.0.1", 8080);
        Exchanges.bindConnection(key, connection);
        return x;
    }

    /** Tomcat's path: byte arrays handed to SocketWrapperBase.write. */
    @Benchmark
    public void healthyExchangeHeap(Blackhole bh) {
        bh.consume(begin());
        Exchanges.wire(connection, head, 0, head.length);
        Exchanges.wire(connection, body, 0, body.length);
        Exchanges.end(key);
    }

    /** Jetty's and Undertow's path: pooled direct buffers handed to the socket channel. */
    @Benchmark
    public void healthyExchangeDirect(Blackhole bh) {
        bh.consume(begin());
        Exchanges.wire(connection, directHead);
        Exchanges.wire(connection, directBody);
        Exchanges.end(key);
    }
}
