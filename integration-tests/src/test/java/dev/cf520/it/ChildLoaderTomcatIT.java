package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Tomcat 11 and the demo in a child class loader, as under Spring Boot's launcher or a standalone
 * Tomcat: the advice is inlined into classes the agent's own loader cannot see. Same catalogue.
 */
class ChildLoaderTomcatIT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("tomcat-11/java-17/child-loader", OriginProcess.java17(), "11",
                OriginProcess.Layout.CHILD_LOADER);
    }

    @Test
    void tomcatReallySitsInAChildLoader() {
        assertTrue(origin.stdout().contains(
                "cf520-it: tomcat loaded by cf520-it-child, visible to the system class loader: false"),
                String.join("\n", origin.stdout()));
    }
}
