package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Spring Boot app with its own OpenTelemetry SDK, slf4j and logback, run with the agent: the app's
 * copies keep working untouched beside the agent's relocated ones, the app's stdout gets nothing from
 * the agent, stderr gets nothing but the agent's own lines (beside what the app writes there without
 * the agent), and the container version Boot brought is on record.
 */
abstract class BootAppContract {
    /** An agent log line: ISO instant, level padded to 5, then the message, which starts with "cf520 ". */
    private static final Pattern AGENT_LINE =
            Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z (TRACE|DEBUG|INFO|WARN|ERROR) +cf520 .*");

    abstract OriginProcess.Runtime runtime(String java, Path javaHome);

    /** The listening line's description, e.g. "Spring Boot 4.0.7 with Tomcat 11.0.22". */
    abstract Pattern description();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java-17", "java-25"})
    void appTelemetryAndOutputStaySeparate(String java) throws Exception {
        OriginProcess.Runtime rt =
                runtime(java, java.equals("java-17") ? OriginProcess.java17() : OriginProcess.java25OrSkip());
        // what the app itself writes to stderr (e.g. a JVM warning about a library of the app), without the agent
        OriginProcess plain = OriginProcess.start(rt, false, Map.of());
        try {
            for (String path : new String[] {"/app-telemetry", "/fault/truncated-body"}) {
                RawHttp.get(plain.port(), path, CatalogContract.edgeHeaders(CatalogContract.newRay()), 1500);
            }
        } finally {
            plain.close();
        }
        Thread.sleep(300); // let the output pumps read to the end
        Set<String> appsOwn = plain.stderr().stream().map(BootAppContract::normalise)
                .collect(Collectors.toSet());

        try (OtlpReceiver receiver = new OtlpReceiver()) {
            OriginProcess app = OriginProcess.start(rt, true, OriginProcess.testSettings(receiver));
            try {
                String listening = app.stdout().stream().filter(l -> l.contains("listening on http://")).findFirst()
                        .orElseThrow();
                Matcher m = description().matcher(listening);
                assertTrue(m.find(), "the container version Boot brought is on the listening line: " + listening);
                System.out.println(rt + ": " + m.group());

                // the app's own SDK and logging, in a request the agent watches too
                String ray = CatalogContract.newRay();
                RawHttp.Response r = RawHttp.get(app.port(), "/app-telemetry", CatalogContract.edgeHeaders(ray), 5000);
                assertEquals(200, r.status(), r.head());
                String body = new String(r.bytes, StandardCharsets.ISO_8859_1);
                Matcher span = Pattern.compile("span=app-telemetry ([0-9a-f]{32}) ([0-9a-f]{16})\n").matcher(body);
                assertTrue(span.find(), "the app's own SDK made and exported its span: " + body);
                Matcher sdk = Pattern.compile("otel-sdk=(\\S+) from io\\.opentelemetry\\.sdk\\.trace\\.SdkTracerProvider\n")
                        .matcher(body);
                assertTrue(sdk.find(), "the app's SDK under its own package name: " + body);
                assertNotEquals(System.getProperty("cf520.otel.version", "1.68.0"), sdk.group(1),
                        "the app's own OpenTelemetry version, not the agent's");
                assertTrue(body.contains("slf4j=ch.qos.logback.classic.LoggerContext\n"),
                        "the app's slf4j is bound to its own logback: " + body);
                String spanId = span.group(2);
                assertNotNull(awaitStdout(app, l -> l.contains(" INFO ") && l.contains(" --- ")
                        && l.endsWith("app-telemetry span " + spanId + " exported by the app's own SDK")),
                        "the app's log line in Boot's logback format on stdout:\n" + String.join("\n", app.stdout()));
                receiver.awaitOneSpan(ray, Duration.ofSeconds(15)); // and the agent saw the same request

                // a risk: the agent's WARN line must go to stderr, never to the app's stdout
                String riskRay = CatalogContract.newRay();
                RawHttp.get(app.port(), "/fault/truncated-body", CatalogContract.edgeHeaders(riskRay), 1500);
                receiver.awaitOneSpan(riskRay, Duration.ofSeconds(15));
                assertNotNull(app.awaitStderr(l -> l.contains("cf520 520-risk ray=" + riskRay), Duration.ofSeconds(5)),
                        "the WARN line on stderr: " + app.stderr());
            } finally {
                app.close();
            }
            Thread.sleep(300); // let the output pumps read to the end
            List<String> stdout = app.stdout();
            List<String> fromAgent = stdout.stream()
                    .filter(l -> AGENT_LINE.matcher(l).matches() || l.contains("cf520 520-risk"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), fromAgent, "nothing from the agent on the app's stdout");
            List<String> stderr = app.stderr();
            List<String> notAgent = stderr.stream()
                    .filter(l -> !AGENT_LINE.matcher(l).matches() && !appsOwn.contains(normalise(l)))
                    .collect(Collectors.toList());
            assertEquals(List.of(), notAgent, "stderr holds the agent's own lines and the app's own only (no SLF4J "
                    + "notice, no Byte Buddy or JVM warning about the agent): " + String.join("\n", stderr)
                    + "\n--- the app's own, without the agent:\n" + String.join("\n", plain.stderr()));
            assertTrue(stderr.stream().noneMatch(l -> l.contains("SLF4J")), "no slf4j notice: " + stderr);
            assertTrue(stderr.stream().anyMatch(l -> l.matches(".* INFO +cf520 \\S+ active.*")), "start-up line: " + stderr);
            List<String> noise = stdout.stream().filter(l -> l.contains("SLF4J") || l.toLowerCase().contains("bytebuddy")
                    || l.toLowerCase().contains("byte buddy")).collect(Collectors.toList());
            assertEquals(List.of(), noise, "no slf4j or Byte Buddy notice on stdout either");
        }
    }

    /** Times, ports and ids differ between two runs of the same app. */
    private static String normalise(String line) {
        return line.replaceAll("\\d+", "#");
    }

    private static String awaitStdout(OriginProcess app, Predicate<String> test)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        do {
            for (String l : app.stdout()) {
                if (test.test(l)) {
                    return l;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return null;
    }
}
