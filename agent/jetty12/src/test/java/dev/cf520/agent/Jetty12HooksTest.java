package dev.cf520.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.agent.ContainerInstrumentation.Hook;
import dev.cf520.instrument.jetty12.Jetty12Instrumentation;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The Jetty 12 hooks against real class files: each applies to exactly one method of Jetty 12.1,
 * and none applies to a Jetty 9.4 class of the same name (Jetty 9.4 is instrumented separately).
 */
class Jetty12HooksTest {
    private static final List<Hook> HOOKS = new Jetty12Instrumentation().hooks();

    @Test
    void everyHookAppliesToOneMethodOfJetty121() {
        TypePool jetty12 = TypePool.Default.of(Jetty12HooksTest.class.getClassLoader());
        for (Hook h : HOOKS) {
            TypeDescription type = jetty12.describe(h.typeName).resolve();
            if (h.adviceClass.endsWith(".InvokerCompleteStreamAdvice")) {
                // Jetty 12.0's place of completeStream: 12.1 moved it into HttpChannelState
                assertFalse(h.versionGate.matches(type), h.typeName + " declares no completeStream in 12.1");
                continue;
            }
            assertTrue(h.versionGate.matches(type), h.typeName + " passes its version gate");
            assertEquals(1, type.getDeclaredMethods().filter(h.method).size(), h.typeName + " " + h.adviceClass);
        }
    }

    @Test
    void noHookAppliesToJetty94() throws IOException {
        File[] jars = new File(System.getProperty("cf520.jetty9.dir", "target/jetty-9.4")).listFiles();
        assertTrue(jars != null && jars.length >= 4, "Jetty 9.4 jars copied by the build");
        List<ClassFileLocator> locators = new ArrayList<>();
        for (File jar : jars) {
            locators.add(ClassFileLocator.ForJarFile.of(jar));
        }
        locators.add(ClassFileLocator.ForClassLoader.ofPlatformLoader());
        TypePool jetty9 = TypePool.Default.of(new ClassFileLocator.Compound(locators));
        int sameName = 0;
        for (Hook h : HOOKS) {
            TypePool.Resolution r = jetty9.describe(h.typeName);
            if (r.isResolved()) {
                sameName++;
                TypeDescription type = r.resolve();
                assertTrue(!h.versionGate.matches(type) || type.getDeclaredMethods().filter(h.method).isEmpty(),
                        h.typeName + " of Jetty 9.4 must be left alone");
            }
        }
        assertEquals(4, sameName,
                "SocketChannelEndPoint, ServerConnector (doStart, doStop) and AbstractConnection are the hooked names Jetty 9.4 has too");
    }
}
