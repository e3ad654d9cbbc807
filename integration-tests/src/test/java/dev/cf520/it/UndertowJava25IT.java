package dev.cf520.it;

import java.util.List;

/** Undertow 2.3 (servlet deployment) from the demo's executable jar on Java 25 (the agent is built with 17). */
class UndertowJava25IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("undertow/java-25/fat-jar", OriginProcess.java25OrSkip(), "11",
                OriginProcess.Layout.FAT_JAR).server("undertow");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.UNDERTOW);
    }
}
