package dev.cf520.agent;

import dev.cf520.config.AgentConfig;
import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchanges;
import dev.cf520.log.Logs;
import dev.cf520.telemetry.Telemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Starts cf520: configuration, the agent's own SDK, the container hooks, the watchdog. Called
 * reflectively by {@link Cf520Entry} after the bootstrap classes are in place. Whatever fails is
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
            AgentConfig config = AgentConfig.load(args);
            Logs.configure(config.logLevel(), config.logLinesPerMinute());
            List<String> problems = new ArrayList<>(config.problems());
            if (!config.enabled()) {
                log.info(Logs.URGENT, "cf520 is disabled ({}=false)", AgentConfig.ENABLED);
                return;
            }
            String shadedOtel = OpenTelemetrySdk.class.getName();
            Logs.captureJul(shadedOtel.substring(0, shadedOtel.indexOf(".sdk.OpenTelemetrySdk")));
            EdgeVerifier edge = Telemetry.edgeVerifier(config, problems);
            for (String p : problems) {
                log.warn(Logs.URGENT, "cf520 setting ignored: {}", p);
            }
            long t1 = System.nanoTime();
            Telemetry telemetry = Telemetry.start(config, edge);
            long t2 = System.nanoTime();
            Exchanges.install(config, telemetry.sink());
            List<ContainerInstrumentation> containers = new ArrayList<>();
            for (ContainerInstrumentation c : ServiceLoader.load(ContainerInstrumentation.class,
                    AgentInstaller.class.getClassLoader())) {
                containers.add(c);
            }
            new Instrumenter().install(inst, containers, attached);
            long t3 = System.nanoTime();
            log.debug("cf520 start-up: config {} ms, telemetry {} ms, instrumentation {} ms", (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
            Watchdog.start(config.edgeReadTimeout());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                telemetry.shutdown(3000);
                Logs.drain(500);
            }, "cf520-shutdown"));
            log.info(Logs.URGENT, "cf520 {} active{}: watching {} (edge read timeout {}s, header limit {} bytes) in {} ms",
                    String.valueOf(AgentInstaller.class.getPackage().getImplementationVersion()),
                    attached ? " (attached)" : "", names(containers), config.edgeReadTimeout().toMillis() / 1000.0,
                    config.maxResponseHeaderBytes(), (System.nanoTime() - t0) / 1_000_000);
        } catch (Throwable t) {
            log.error(Logs.URGENT, "cf520 could not start and stays off; the application runs without it: {}",
                    t.toString());
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
