package dev.cf520.it;

import java.util.List;

/** Tomcat 9 (javax) on the class path beside the javax origin's thin jar, on Java 17. */
class Tomcat9Java17IT extends JavaxContract {
    @Override
    OriginProcess.Runtime runtime() {
        return javaxOrigin("tomcat-9/java-17/class-path", OriginProcess.java17(), "tomcat-9", "tomcat");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.TOMCAT9);
    }
}
