package dev.cf520.it;

import java.util.List;

/** Spring Boot 3 with the Undertow it brings, as an executable jar, on Java 25. */
class Boot3UndertowJava25IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return BootApps.boot3Undertow("java-25", OriginProcess.java25OrSkip());
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.BOOT3_UNDERTOW);
    }
}
