package dev.cf520.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.LogCapture;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GatedTransformerTest {
    private static final String HOOKED = "org/apache/coyote/Response";
    private static final byte[] CLASSFILE = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE};
    private static final byte[] TRANSFORMED = {1, 2, 3};

    private static final class Counting implements ClassFileTransformer {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                ProtectionDomain domain, byte[] classfile) {
            calls.incrementAndGet();
            return TRANSFORMED;
        }
    }

    @Test
    void otherClassesNeverReachTheDelegateNorWaitForIt() {
        CompletableFuture<ClassFileTransformer> never = new CompletableFuture<>();
        GatedTransformer gate = new GatedTransformer(Set.of(HOOKED), never);
        assertNull(gate.transform(null, null, "com/example/App", null, null, CLASSFILE));
        assertNull(gate.transform(null, null, null, null, null, CLASSFILE));
        assertNull(gate.transform(null, "org/apache/coyote/Request", null, null, CLASSFILE));
    }

    @Test
    void hookedClassesGoThroughTheDelegate() {
        Counting delegate = new Counting();
        GatedTransformer gate = new GatedTransformer(Set.of(HOOKED), CompletableFuture.completedFuture(delegate));
        assertNull(gate.transform(null, null, "com/example/App", null, null, CLASSFILE));
        assertEquals(0, delegate.calls.get());
        assertArrayEquals(TRANSFORMED, gate.transform(null, null, HOOKED, null, null, CLASSFILE));
        assertArrayEquals(TRANSFORMED, gate.transform(null, HOOKED, null, null, CLASSFILE));
        assertEquals(2, delegate.calls.get());
    }

    @Test
    void aFailingDelegateLeavesTheClassUntouchedAndIsCounted() {
        CompletableFuture<ClassFileTransformer> failed = new CompletableFuture<>();
        failed.completeExceptionally(new IllegalStateException("byte buddy failed"));
        GatedTransformer gate = new GatedTransformer(Set.of(HOOKED), failed);
        long before = AgentErrors.count();
        try (LogCapture log = LogCapture.start()) {
            assertNull(gate.transform(null, null, HOOKED, null, null, CLASSFILE));
            assertEquals(before + 1, AgentErrors.count());
            assertEquals(1, log.linesContaining("cf520 could not instrument org.apache.coyote.Response").size());
        }
    }
}
