package dev.cf520.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;

/** Jetty 12.1 ee10 (the demo's executable jar, {@code --server jetty}) on Java 25 (the agent is built with 17). */
class Jetty12Java25IT extends Jetty12Contract {
    @Override
    OriginProcess.Runtime runtime() {
        Path jdk = OriginProcess.java25();
        if (Boolean.getBoolean("cf520.require-java25") || "true".equals(System.getenv("CF520_REQUIRE_JAVA25"))) {
            org.junit.jupiter.api.Assertions.assertNotNull(jdk, "CF520_REQUIRE_JAVA25 is set but no JDK 25 was found (set JAVA25_HOME)");
        }
        assumeTrue(jdk != null, "no JDK 25 found (set JAVA25_HOME); the Java 25 run is skipped here, CI requires it");
        return new OriginProcess.Runtime("jetty-12/java-25/fat-jar", jdk, "11", OriginProcess.Layout.FAT_JAR).server("jetty");
    }

    @Override
    List<Catalog.Case> cases() {
        return Catalog.of(Catalog.Container.JETTY12);
    }
}
