package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Jetty 12 and the thin demo jar in a child class loader (target/containers/jetty-12), as in an
 * application launcher: the advice is inlined into Jetty classes the agent's own loader cannot see.
 */
class Jetty12ChildLoaderIT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("jetty-12/java-17/child-loader", OriginProcess.java17(), "11",
                OriginProcess.Layout.CHILD_LOADER).containers("jetty-12").server("jetty");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.JETTY12);
    }

    @Test
    void jettyReallySitsInAChildLoader() {
        assertTrue(origin.stdout().contains(
                "cf520-it: jetty loaded by cf520-it-child, visible to the system class loader: false"),
                String.join("\n", origin.stdout()));
    }
}
