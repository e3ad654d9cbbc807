package dev.cf520.instrument.jetty9;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.agent.ContainerInstrumentation.Hook;
import dev.cf520.agent.HookCheck;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The hooks against the jars of Jetty 9.4 and of Jetty 12, whose class names overlap (target/lines, copied by the build). */
class Jetty9InstrumentationTest {
    private static Path line(String name) {
        return Paths.get(System.getProperty("cf520.lines.dir", "target/lines"), name);
    }

    @Test
    void everyHookPassesItsGateAndInlinesIntoOneJetty94Method() throws Exception {
        HookCheck jetty94 = HookCheck.ofDirectory("jetty-9.4", line("jetty-9.4"));
        for (Hook h : new Jetty9Instrumentation().hooks()) {
            assertTrue(jetty94.applies(h), HookCheck.describe(h));
            assertEquals(1, jetty94.inline(h), HookCheck.describe(h));
        }
    }

    @Test
    void noHookAppliesToJetty12() throws Exception {
        HookCheck jetty12 = HookCheck.ofDirectory("jetty-12", line("jetty-12"));
        for (Hook h : new Jetty9Instrumentation().hooks()) {
            assertFalse(jetty12.applies(h), HookCheck.describe(h));
        }
    }
}
