package dev.cf520.instrument.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cf520.agent.HookCheck;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hooks, compiled against Undertow 2.3.26, against the jars of each 2.3 release they serve (target/lines,
 * copied by the build): 2.3.26 (pinned) and 2.3.20 (Spring Boot 3.5.7). Each hook's class passes its version
 * gate and its advice binds (fields, arguments) into exactly one method or constructor.
 */
class UndertowInstrumentationTest {
    private static HookCheck check(String line) throws Exception {
        return HookCheck.ofDirectory(line, Paths.get(System.getProperty("cf520.lines.dir", "target/lines"), line));
    }

    private static List<Integer> inlinedInto(String line) throws Exception {
        return check(line).inlineAll(new UndertowInstrumentation().hooks());
    }

    @ParameterizedTest
    @ValueSource(strings = {"undertow-2.3.20", "undertow-2.3.26"})
    void everyHookInlinesIntoTheSameMethodsAsOn2326(String line) throws Exception {
        assertEquals(inlinedInto("undertow-2.3.26"), inlinedInto(line));
    }

    /** ServerStopAdvice reads two private fields by reflection: a rename would leave the idle connections uncounted. */
    @ParameterizedTest
    @ValueSource(strings = {"undertow-2.3.20", "undertow-2.3.26"})
    void theFieldsTheStopAdviceReadsByReflectionExist(String line) throws Exception {
        HookCheck check = check(line);
        assertEquals("io.undertow.server.OpenListener", check.declaredFieldType("io.undertow.Undertow$ListenerInfo", "openListener"));
        assertEquals("java.util.Set", check.declaredFieldType("io.undertow.server.protocol.http.HttpOpenListener", "connections"));
    }
}
