package dev.cf520.it;

import static dev.cf520.it.OtlpReceiver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo origin starts without the agent and serves a steady, bounded request loop; cf520 is
 * attached by PID mid-load with {@code java -jar cf520-agent.jar attach}. Not one request may fail
 * or come back malformed before, during or after; faults after the attach are reported with their
 * CF-Ray; an exchange in flight at the moment of attach is left alone. Timings are printed (and
 * written to target/attach-timings.txt), never asserted: {@code -Dcf520.attach.rounds=5} repeats.
 */
class AttachIT {
    private static final String HELLO = "hello from the cf520 demo origin\n";
    private static final Pattern ACTIVE = Pattern.compile("active in JVM \\d+ after (\\d+) ms: .*instrumented=(\\d+)");

    static Stream<OriginProcess.Runtime> jdks() {
        List<OriginProcess.Runtime> r = new ArrayList<>();
        r.add(new OriginProcess.Runtime("java-17", OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR));
        Path j25 = OriginProcess.java25();
        if (j25 != null) {
            r.add(new OriginProcess.Runtime("java-25", j25, "11", OriginProcess.Layout.FAT_JAR));
        } else if ("true".equals(System.getenv("CF520_REQUIRE_JAVA25"))) {
            throw new AssertionError("CF520_REQUIRE_JAVA25 is set but no JDK 25 was found (set JAVA25_HOME)");
        }
        return r.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void attachMidLoadWithZeroFailedRequests(OriginProcess.Runtime rt) throws Exception {
        int rounds = Integer.getInteger("cf520.attach.rounds", 1);
        for (int round = 1; round <= rounds; round++) {
            attachOnce(rt, round);
        }
    }

    private void attachOnce(OriginProcess.Runtime rt, int round) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                OriginProcess origin = OriginProcess.start(rt, false, Map.of())) {
            Load load = new Load(origin.port(), 4);
            load.start();
            Thread.sleep(1000);
            assertTrue(load.ok.get() > 20, "the loop runs before the attach: " + load.ok.get());

            // an exchange in flight across the attach: it must neither fail nor be half-recorded
            String inflightRay = CatalogContract.newRay();
            RawHttp.Response[] inflight = new RawHttp.Response[1];
            Thread slow = new Thread(() -> {
                try {
                    inflight[0] = RawHttp.get(origin.port(), "/fault/slow?seconds=3",
                            CatalogContract.edgeHeaders(inflightRay), 10_000);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            slow.start();
            Thread.sleep(300);

            long okBefore = load.ok.get();
            load.resetMaxLatency();
            Cli cli = Cli.run(origin.javaHome(), "attach", Long.toString(origin.pid()),
                    "otel.exporter.otlp.endpoint=" + receiver.endpoint(), "otel.bsp.schedule.delay=100",
                    "otel.metric.export.interval=500", "cf520.edge-read-timeout=2s", "otel.service.name=cf520-attach");
            assertEquals(0, cli.exit, cli.output);
            Matcher m = ACTIVE.matcher(cli.output);
            assertTrue(m.find(), cli.output);
            Thread.sleep(1500);
            load.stop();
            slow.join(10_000);

            assertEquals(List.of(), load.failures, "no request may fail or come back malformed");
            assertTrue(load.ok.get() > okBefore + 20, "the loop went on during and after the attach");
            assertEquals(200, inflight[0].status(), "the in-flight exchange completed");

            String ray = CatalogContract.newRay();
            RawHttp.get(origin.port(), "/fault/truncated-body", CatalogContract.edgeHeaders(ray), 1500);
            Span span = receiver.awaitOneSpan(ray, Duration.ofSeconds(15));
            assertEquals("truncated_body", string(span, "cf520.reason"));
            assertNotNull(origin.awaitStderr(l -> l.contains("520-risk ray=" + ray + " reason=truncated_body"),
                    Duration.ofSeconds(5)));
            assertTrue(receiver.spansWithRay(inflightRay).isEmpty(),
                    "the exchange in flight at the attach is left alone, not half-recorded");
            // the connector started before the agent: its settings are read at its first exchange after the attach
            assertNotNull(origin.awaitStderr(l -> l.contains("cf520 520-risk setting: tomcat connector on port "
                    + origin.port() + " closes idle keep-alive connections after 60 s"), Duration.ofSeconds(5)),
                    String.join("\n", origin.agentLines()));

            Cli again = Cli.run(origin.javaHome(), "attach", Long.toString(origin.pid()));
            assertEquals(0, again.exit, again.output);
            assertTrue(again.output.contains("already active"), again.output);

            String line = String.format("%s round %d: attach to instrumented %s ms, classes retransformed %s, worst "
                    + "request latency during the attach %d ms, %d requests served without a failure%n", rt, round,
                    m.group(1), m.group(2), load.maxLatencyMillis.get(), load.ok.get());
            System.out.print(line);
            Files.writeString(Paths.get("target", "attach-timings.txt"), line, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    /** A bounded request loop on keep-alive connections: every response must be a complete, correct 200. */
    static final class Load {
        final AtomicInteger ok = new AtomicInteger();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong maxLatencyMillis = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Load(int port, int clients) {
            for (int c = 0; c < clients; c++) {
                threads.add(new Thread(() -> loop(port), "load-" + c));
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        void resetMaxLatency() {
            maxLatencyMillis.set(0);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }

        private void loop(int port) {
            while (running.get()) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(10_000);
                    for (int i = 0; i < 50 && running.get(); i++) {
                        long t0 = System.nanoTime();
                        RawHttp.send(s.getOutputStream(), port, "GET", "/hello", Map.of("CF-Ray",
                                CatalogContract.newRay()));
                        RawHttp.Response r = RawHttp.read(s.getInputStream());
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        maxLatencyMillis.accumulateAndGet(ms, Math::max);
                        String body = new String(r.bytes, r.headBytes(), r.bodyBytes(), StandardCharsets.UTF_8);
                        if (r.status() != 200 || !body.equals(HELLO) || !r.ending.equals("open")) {
                            failures.add("status " + r.status() + ", " + r.bodyBytes() + " body bytes, " + r.ending);
                        } else {
                            ok.incrementAndGet();
                        }
                        Thread.sleep(2);
                    }
                } catch (IOException | InterruptedException e) {
                    if (running.get()) {
                        failures.add(e.toString());
                    }
                }
            }
        }
    }

    /** {@code java -jar cf520-agent.jar ...} with a given JDK, as an operator runs it. */
    static final class Cli {
        final int exit;
        final String output;

        private Cli(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }

        static Cli run(Path javaHome, String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaHome.resolve("bin/java").toString());
            cmd.add("-jar");
            cmd.add(OriginProcess.agentJar().toString());
            Collections.addAll(cmd, args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the attach command finished");
            return new Cli(p.exitValue(), out);
        }
    }
}
