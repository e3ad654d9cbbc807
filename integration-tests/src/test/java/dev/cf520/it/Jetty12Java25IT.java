package dev.cf520.it;

import java.util.List;

/** Jetty 12.1 ee10 (the demo's executable jar, {@code --server jetty}) on Java 25 (the agent is built with 17). */
class Jetty12Java25IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("jetty-12/java-25/fat-jar", OriginProcess.java25OrSkip(), "11",
                OriginProcess.Layout.FAT_JAR).server("jetty");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.JETTY12);
    }
}
