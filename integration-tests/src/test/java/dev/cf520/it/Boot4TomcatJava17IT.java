package dev.cf520.it;

import java.util.List;

/** Spring Boot 4 with the Tomcat it brings, as an executable jar, on Java 17. */
class Boot4TomcatJava17IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return BootApps.boot4Tomcat("java-17", OriginProcess.java17());
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.BOOT4_TOMCAT);
    }
}
