package dev.cf520.it;

import java.nio.file.Path;
import java.util.List;

/** Tomcat 9 (javax) on the class path beside the javax origin's thin jar, on Java 17. */
class Tomcat9Java17IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return javaxOrigin("tomcat-9/java-17/class-path", OriginProcess.java17(), "tomcat-9", "tomcat");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.TOMCAT9);
    }

    /**
     * The javax origin (the demo's servlet turned javax at build time) with {@code --server server}, on the
     * jars of target/containers/{containers}.
     */
    static OriginProcess.Runtime javaxOrigin(String name, Path jdk, String containers, String server) {
        return new OriginProcess.Runtime(name, jdk, "9", OriginProcess.Layout.CLASS_PATH)
                .containers(containers)
                .app("cf520.javax.jar", "../fixtures/javax-origin/target/cf520-javax-origin-0.1.0-SNAPSHOT.jar",
                        "dev.cf520.javax.JavaxOrigin")
                .server(server);
    }
}
