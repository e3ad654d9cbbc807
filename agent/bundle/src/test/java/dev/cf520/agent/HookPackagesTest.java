package dev.cf520.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * At start-up only classes in a container's declared packages wait while the hooks are built: a hook
 * outside them would be missed. Every container in the agent jar is checked here.
 */
class HookPackagesTest {
    @Test
    void everyHookedClassLiesInItsContainersPackages() {
        List<String> seen = new ArrayList<>();
        for (ContainerInstrumentation c : ServiceLoader.load(ContainerInstrumentation.class)) {
            seen.add(c.name());
            assertFalse(c.packages().contains(""), c.name() + " narrows its packages");
            for (ContainerInstrumentation.Hook h : c.hooks()) {
                assertTrue(c.packages().stream().anyMatch(h.typeName::startsWith),
                        c.name() + ": " + h.typeName + " outside " + c.packages());
            }
        }
        seen.sort(null);
        assertEquals(List.of("jetty12", "jetty9", "tomcat", "undertow"), seen);
    }
}
