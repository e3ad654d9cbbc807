package dev.cf520.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cf520.agent.ContainerInstrumentation.Hook;
import dev.cf520.instrument.jetty12.Jetty12Instrumentation;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Jetty 12 hook whose gate passes on Jetty 12.1 inlines its advice, as the agent would, into exactly one
 * method of the jars on the test class path (Byte Buddy binds each {@code @This}, argument and return value).
 */
class Jetty12InlineTest {
    @Test
    void everyHookOfJetty121InlinesIntoOneMethod() throws Exception {
        List<Path> jars = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.endsWith(".jar") && (p.contains("jetty") || p.contains("jakarta"))).map(Paths::get)
                .collect(Collectors.toList());
        HookCheck jetty12 = HookCheck.ofJars("jetty-12.1", jars);
        int inlined = 0;
        for (Hook h : new Jetty12Instrumentation().hooks()) {
            if (jetty12.applies(h)) {
                assertEquals(1, jetty12.inline(h), HookCheck.describe(h));
                inlined++;
            }
        }
        // all but InvokerCompleteStreamAdvice, for Jetty 12.0 (Jetty12HooksTest)
        assertEquals(new Jetty12Instrumentation().hooks().size() - 1, inlined);
    }
}
