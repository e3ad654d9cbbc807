package dev.cf520.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.LogCapture;
import java.io.InputStream;
import java.util.List;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

class HookTransformerTest {
    private static final String TARGET = WarmUp.Target.class.getName();
    private static final String INTERNAL = TARGET.replace('.', '/');

    private static HookTransformer transformer(ContainerInstrumentation.Hook hook) {
        return new HookTransformer(List.of(new ContainerInstrumentation() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public List<Hook> hooks() {
                return List.of(hook);
            }
        }));
    }

    private static ContainerInstrumentation.Hook hook(net.bytebuddy.matcher.ElementMatcher<
            ? super net.bytebuddy.description.type.TypeDescription> gate) {
        return new ContainerInstrumentation.Hook(TARGET, gate, ElementMatchers.named("run"),
                WarmUp.TargetAdvice.class.getName());
    }

    private static byte[] classfile() throws Exception {
        try (InputStream in = HookTransformerTest.class.getResourceAsStream("/" + INTERNAL + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void otherClassesAreLeftAlone() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()));
        assertNull(t.transform(null, getClass().getClassLoader(), "com/example/App", null, null, classfile()));
        assertNull(t.transform(null, getClass().getClassLoader(), null, null, null, classfile()));
    }

    @Test
    void aHookedClassGetsItsAdviceInlined() throws Exception {
        byte[] in = classfile();
        byte[] out = transformer(hook(ElementMatchers.any())).transform(null, getClass().getClassLoader(), INTERNAL,
                null, null, in);
        assertNotNull(out);
        assertTrue(out.length > in.length, "advice inlined: " + in.length + " -> " + out.length);
        assertTrue(System.getProperty(AgentState.PROPERTY).contains(TARGET));
    }

    @Test
    void aClassFailingTheVersionGateIsLeftAlone() throws Exception {
        assertNull(transformer(hook(ElementMatchers.none())).transform(null, getClass().getClassLoader(), INTERNAL,
                null, null, classfile()));
    }

    @Test
    void aFailureLeavesTheClassUntouchedAndIsCounted() {
        long before = AgentErrors.count();
        try (LogCapture log = LogCapture.start()) {
            assertNull(transformer(hook(ElementMatchers.any())).transform(getClass().getClassLoader(), INTERNAL,
                    null, null, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE}));
            assertEquals(before + 1, AgentErrors.count());
            assertEquals(1, log.linesContaining("cf520 could not instrument " + TARGET).size());
        }
    }

    @Test
    void warmUpRunsWithoutInstrumentingAnything() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()));
        WarmUp.run(t);
    }
}
