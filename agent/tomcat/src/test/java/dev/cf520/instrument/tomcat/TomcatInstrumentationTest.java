package dev.cf520.instrument.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.agent.ContainerInstrumentation.Hook;
import dev.cf520.agent.HookCheck;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hooks, compiled against Tomcat 10.1, against the jars of each line they serve (target/lines, copied
 * by the build): Tomcat 9 (javax) shares the connector code below the servlet API with 10.1 and 11.
 */
class TomcatInstrumentationTest {
    private static List<Integer> inlinedInto(String line) throws Exception {
        HookCheck check = HookCheck.ofDirectory(line, Paths.get(System.getProperty("cf520.lines.dir", "target/lines"), line));
        List<Integer> methods = new ArrayList<>();
        for (Hook h : new TomcatInstrumentation().hooks()) {
            assertTrue(check.applies(h), line + ": " + HookCheck.describe(h));
            int n = check.inline(h);
            assertTrue(n > 0, line + ": " + HookCheck.describe(h));
            methods.add(n);
        }
        return methods;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tomcat-9", "tomcat-10.1", "tomcat-11"})
    void everyHookInlinesIntoTheSameMethodsAsOnTomcat101(String line) throws Exception {
        assertEquals(inlinedInto("tomcat-10.1"), inlinedInto(line));
    }

    /** The idle-close hook lands in exactly one method, ConnectionHandler.process, on each line. */
    @ParameterizedTest
    @ValueSource(strings = {"tomcat-9", "tomcat-10.1", "tomcat-11"})
    void idleCloseHookInlinesIntoTheConnectionHandlerOnly(String line) throws Exception {
        HookCheck check = HookCheck.ofDirectory(line, Paths.get(System.getProperty("cf520.lines.dir", "target/lines"), line));
        List<Hook> hooks = new TomcatInstrumentation().hooks();
        Hook idle = hooks.get(hooks.size() - 1);
        assertTrue(HookCheck.describe(idle).contains("IdleCloseAdvice"), HookCheck.describe(idle));
        assertEquals(1, check.inline(idle), line + ": " + HookCheck.describe(idle));
    }
}
