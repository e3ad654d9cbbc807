package dev.cf520.it;

import java.util.List;

/** Undertow 2.3 (servlet deployment) from the demo's executable jar, on Java 17. */
class UndertowJava17IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("undertow/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("undertow");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.UNDERTOW);
    }
}
