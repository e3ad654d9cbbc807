package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Undertow and the demo in a child class loader (the demo's executable jar on the child's class path,
 * the system class path holding only the launcher), as under Spring Boot's launcher: the advice is
 * inlined into Undertow and XNIO classes the agent's own loader cannot see. Same catalogue.
 */
class UndertowChildLoaderIT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        // tomcat-11's jars only repeat classes the executable jar already has; the launcher probes Tomcat's
        // CoyoteAdapter to prove the layout, and Undertow sits in the same child loader
        return new OriginProcess.Runtime("undertow/java-17/child-loader", OriginProcess.java17(), "11",
                OriginProcess.Layout.CHILD_LOADER).server("undertow")
                .app("cf520.demo.jar", "../demo-app/target/cf520-demo.jar", "dev.cf520.demo.DemoOrigin");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.UNDERTOW);
    }

    @Test
    void theContainerReallySitsInAChildLoader() {
        assertTrue(origin.stdout().contains(
                "cf520-it: tomcat loaded by cf520-it-child, visible to the system class loader: false"),
                String.join("\n", origin.stdout()));
        assertTrue(origin.stdout().stream().anyMatch(l -> l.contains("(Undertow 2.3.")), String.join("\n", origin.stdout()));
    }
}
