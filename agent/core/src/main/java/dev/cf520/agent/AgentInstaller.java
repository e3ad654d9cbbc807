package dev.cf520.agent;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.AgentErrors;
import dev.cf520.detect.Connectors;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.IdleCloses;
import dev.cf520.detect.KeepAliveCheck;
import dev.cf520.detect.Exchanges;
import dev.cf520.log.Logs;
import dev.cf520.telemetry.DeferredSink;
import dev.cf520.telemetry.Telemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Starts cf520: configuration, the agent's own SDK, the container hooks, the watchdog. Called
 * reflectively by {@link Cf520Entry}, which links against nothing newer than Java 8. Whatever fails is
 * logged once and leaves the host running as if the agent were absent.
 */
public final class AgentInstaller {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private AgentInstaller() {
    }

    public static void install(String args, Instrumentation inst, boolean attached) {
        if (!STARTED.compareAndSet(false, true)) {
            Logs.get(AgentInstaller.class).info("cf520 is already active in this JVM; nothing changed");
            return;
        }
        long t0 = System.nanoTime();
        Logger log = Logs.get(AgentInstaller.class);
        try {
            AgentState.starting(attached);
            List<String> problems = new ArrayList<>();
            Map<String, String> arguments = AgentArguments.read(args, problems);
            AgentConfig config = AgentConfig.load(arguments);
            Logs.configure(config.logLevel(), config.logLinesPerMinute());
            problems.addAll(config.problems());
            if (!config.enabled()) {
                log.info(Logs.URGENT, "cf520 is disabled ({}=false)", AgentConfig.ENABLED);
                AgentState.off(AgentConfig.ENABLED + "=false");
                return;
            }
            warnIgnored(problems);
            List<ContainerInstrumentation> containers = new ArrayList<>();
            for (ContainerInstrumentation c : ServiceLoader.load(ContainerInstrumentation.class,
                    AgentInstaller.class.getClassLoader())) {
                containers.add(c);
            }
            // Exchanges are tracked from the first request on; until the SDK is up they wait here.
            DeferredSink sink = new DeferredSink();
            Exchanges.install(config, sink);
            Connectors.install(new KeepAliveCheck(config));
            Instrumenter instrumenter = new Instrumenter();
            HookTransformer hooks = null;
            if (attached) {
                instrumenter.installAttached(inst, containers); // the container's classes are loaded already
            } else {
                TransformCache cache = config.cacheDir() == null ? null
                        : TransformCache.open(Paths.get(config.cacheDir()), agentJar());
                hooks = instrumenter.installAtStart(inst, containers, cache);
            }
            // One background thread, and the origin's start-up waits for none of it: the watchdog, first Byte Buddy's
            // own start-up, then the hooked classes that loaded meanwhile (see HookTransformer), then the SDK with what
            // only it needs (the edge ranges, the capture of its JUL logging). In that order, since on a small machine
            // they only compete for the same core with the application's own start; exchanges that end before the
            // SDK is up wait in the deferred sink. The main thread keeps only what must be in place before the first
            // container class loads (premain: median 112 to 83 ms on the demo, with a warm cache).
            Map<String, String> otel = AgentArguments.otel(arguments);
            HookTransformer toWarm = hooks;
            Thread start = new Thread(() -> {
                startWatchdog(config);
                if (toWarm != null && toWarm.deferring()) { // not with a warm cache: Byte Buddy may never be needed
                    warmUp(toWarm);
                    toWarm.catchUp(inst); // the hooked classes that loaded meanwhile
                }
                startTelemetry(config, otel, sink, containers, attached, t0);
            }, "cf520-start");
            start.setDaemon(true);
            start.start();
        } catch (Throwable t) {
            log.error(Logs.URGENT, "cf520 could not start and stays off; the application runs without it: {}",
                    t.toString());
            AgentState.off("could not start");
        }
    }

    /** The jar the agent runs from, or null (classes in a directory, as in unit tests). */
    private static Path agentJar() {
        try {
            CodeSource cs = AgentInstaller.class.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? null : Paths.get(cs.getLocation().toURI());
        } catch (Exception e) { // a location that is no file: no cache
            AgentErrors.suppressed(e);
            return null;
        }
    }

    private static void warmUp(HookTransformer hooks) {
        try {
            long t = System.nanoTime();
            WarmUp.run(hooks);
            Logs.get(AgentInstaller.class).debug("cf520 warm-up took {} ms", (System.nanoTime() - t) / 1_000_000);
        } catch (Throwable t) {
            AgentErrors.suppressed(t); // only a head start lost: the first hooked class does the same work
        }
    }

    private static void startWatchdog(AgentConfig config) {
        try {
            Watchdog.start(config.edgeReadTimeout());
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
            Logs.get(AgentInstaller.class).warn(Logs.URGENT, "cf520 could not start its watchdog; exchanges that "
                    + "outlast the edge read timeout are reported only when they end: {}", t.toString());
        }
    }

    private static void warnIgnored(List<String> problems) {
        for (String p : problems) {
            Logs.get(AgentInstaller.class).warn(Logs.URGENT, "cf520 setting ignored: {}", p);
        }
    }

    private static void startTelemetry(AgentConfig config, Map<String, String> otel, DeferredSink sink,
            List<ContainerInstrumentation> containers, boolean attached, long t0) {
        Logger log = Logs.get(AgentInstaller.class);
        try {
            String shadedOtel = OpenTelemetrySdk.class.getName();
            Logs.captureJul(shadedOtel.substring(0, shadedOtel.indexOf(".sdk.OpenTelemetrySdk")));
            List<String> problems = new ArrayList<>();
            EdgeVerifier edge = Telemetry.edgeVerifier(config, problems);
            warnIgnored(problems);
            Telemetry telemetry = Telemetry.start(config, edge, otel);
            sink.ready(telemetry.sink());
            AgentState.active();
            IdleCloses.listen(telemetry.idleCloses());
            Connectors.listen((connector, findings) -> {
                for (String f : findings) {
                    log.warn(Logs.URGENT, "cf520 520-risk setting: {}", f);
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // the container's own stop runs in a shutdown hook of its own, at the same time, and may
                // drain first (Tomcat waits up to 2 s for running servlets before it stops its connectors):
                // give the exchanges in flight a bounded moment to end, then report the rest as cut off
                try {
                    Exchanges.awaitNoneRunning(5000);
                    Exchanges.endAllAtExit();
                } catch (Throwable t) {
                    AgentErrors.suppressed(t); // whatever happens, still flush what was recorded
                }
                telemetry.shutdown(3000);
                Logs.drain(500);
            }, "cf520-shutdown"));
            log.info(Logs.URGENT, "cf520 {} active{}: watching {} (edge read timeout {}s, header limit {} bytes), "
                    + "ready in {} ms", String.valueOf(AgentInstaller.class.getPackage().getImplementationVersion()),
                    attached ? " (attached)" : "", names(containers), config.edgeReadTimeout().toMillis() / 1000.0,
                    config.maxResponseHeaderBytes(), (System.nanoTime() - t0) / 1_000_000);
        } catch (Throwable t) {
            log.error(Logs.URGENT, "cf520 could not start its telemetry and stays off; the application runs "
                    + "without it: {}", t.toString());
            AgentState.off("telemetry could not start");
            Exchanges.install(config, null);
            IdleCloses.listen(null);
        }
    }

    private static String names(List<ContainerInstrumentation> containers) {
        List<String> n = new ArrayList<>();
        for (ContainerInstrumentation c : containers) {
            n.add(c.name());
        }
        return n.isEmpty() ? "no container (none found in the agent jar)" : String.join(", ", n);
    }
}
