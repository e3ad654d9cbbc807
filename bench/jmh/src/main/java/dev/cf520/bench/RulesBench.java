package dev.cf520.bench;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.HeaderBlock;
import dev.cf520.detect.ResponseWire;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The pieces of the hot path on their own: the header-block checks and following the response bytes. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RulesBench {
    private final byte[] head = ExchangeBench.HEAD.getBytes(StandardCharsets.US_ASCII);
    private final byte[] body = ExchangeBench.BODY.getBytes(StandardCharsets.US_ASCII);
    private final int keep = Math.max(64 * 1024, AgentConfig.defaults().maxResponseHeaderBytes() * 2);

    /** Token, control-byte and framing checks of a typical 200 header block. */
    @Benchmark
    public HeaderBlock headerBlockChecks() {
        return HeaderBlock.parse(head, head.length, head.length);
    }

    /** Status line, header block and Content-Length framing followed byte by byte, as the socket sees them. */
    @Benchmark
    public ResponseWire followResponseBytes() {
        ResponseWire w = new ResponseWire(false, keep);
        w.feed(head, 0, head.length);
        w.feed(body, 0, body.length);
        return w;
    }
}
