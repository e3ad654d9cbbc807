package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host's stderr sees nothing from the agent but its own log lines: the same origin and the same
 * requests without and with the agent, and every extra line must be an agent line (no slf4j notice,
 * no JVM warning about what the agent does, no exporter noise).
 */
class AgentOutputIT {
    private static final int REQUESTS = 5;

    static Stream<String> runtimes() {
        return Stream.of("java-17", "java-25");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void onlyAgentLinesAreAdded(String java) throws Exception {
        Path home = java.equals("java-17") ? OriginProcess.java17() : OriginProcess.java25();
        assumeTrue(home != null, "no JDK 25 found (set JAVA25_HOME)");
        OriginProcess.Runtime rt = new OriginProcess.Runtime("tomcat-11/" + java + "/fat-jar", home, "11",
                OriginProcess.Layout.FAT_JAR);

        List<String> without;
        OriginProcess plain = OriginProcess.start(rt, false, Map.of());
        try {
            for (int i = 0; i < REQUESTS; i++) {
                assertEquals(200, RawHttp.get(plain.port(), "/hello",
                        CatalogContract.edgeHeaders(CatalogContract.newRay()), 2000).status());
            }
            Thread.sleep(1000);
        } finally {
            plain.close();
        }
        Thread.sleep(300); // let the output pump read to the end
        without = plain.stderr();

        List<String> with;
        List<String> agentLines;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            OriginProcess instrumented = OriginProcess.start(rt, true, OriginProcess.testSettings(receiver));
            try {
                List<String> rays = new ArrayList<>();
                for (int i = 0; i < REQUESTS; i++) {
                    String ray = CatalogContract.newRay();
                    rays.add(ray);
                    assertEquals(200, RawHttp.get(instrumented.port(), "/hello", CatalogContract.edgeHeaders(ray),
                            2000).status());
                }
                for (String ray : rays) {
                    receiver.awaitOneSpan(ray, Duration.ofSeconds(10)); // the agent was working, exporting
                }
                Thread.sleep(1000); // a couple of metric exports too
                assertTrue(receiver.metricRequests() > 0, "metrics were exported");
            } finally {
                instrumented.close(); // shutdown (flush, SDK shutdown) is covered too
            }
            Thread.sleep(300);
            with = instrumented.stderr();
            agentLines = instrumented.agentLines();
        }

        String report = "\n--- without the agent:\n" + String.join("\n", without) + "\n--- with the agent:\n"
                + String.join("\n", with);
        Set<String> before = without.stream().map(AgentOutputIT::normalise).collect(Collectors.toCollection(HashSet::new));
        List<String> extra = with.stream().filter(l -> !agentLines.contains(l) && !before.contains(normalise(l)))
                .collect(Collectors.toList());
        assertTrue(extra.isEmpty(), "lines on the host's stderr that come neither from the host nor from the agent's "
                + "logger: " + extra + report);
        List<String> slf4j = with.stream().filter(l -> l.contains("SLF4J")).collect(Collectors.toList());
        assertTrue(slf4j.isEmpty(), "no slf4j notice: " + slf4j + report);
        assertTrue(agentLines.stream().anyMatch(l -> l.matches(".* INFO +cf520 \\S+ active.*")),
                "the agent's start-up line (cf520 ... active)" + report);
    }

    /** Times, ports and ids differ between two runs of the same origin. */
    private static String normalise(String line) {
        return line.replaceAll("\\d+", "#");
    }
}
