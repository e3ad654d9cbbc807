package dev.cf520.it;

import java.util.List;

/** Jetty 9.4 (javax) on the class path beside the javax origin's thin jar, on Java 17. */
class Jetty9Java17IT extends JavaxContract {
    @Override
    OriginProcess.Runtime runtime() {
        return javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(), "jetty-9.4", "jetty");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.JETTY9);
    }
}
