package dev.cf520.it;

import java.util.List;

/** Spring Boot 4 with the Tomcat it brings, as an executable jar, on Java 25. */
class Boot4TomcatJava25IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return BootApps.boot4Tomcat("java-25", OriginProcess.java25OrSkip());
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.BOOT4_TOMCAT);
    }
}
