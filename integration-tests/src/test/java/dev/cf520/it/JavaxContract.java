package dev.cf520.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The catalogue on the javax origin (the demo's servlet turned javax at build time) on a javax container. */
abstract class JavaxContract extends CatalogContract {

    /**
     * The first request loads the container's request classes, which the agent transforms then: on a busy
     * machine that takes longer than the catalogue's idle read timeout. One request before the catalogue
     * (without a CF-Ray, so no case waits for its span) keeps that start-up time out of every case.
     */
    @BeforeAll
    void warmUp() throws Exception {
        RawHttp.get(origin.port(), "/hello", Map.of(), 30_000);
    }

    /** The javax origin with {@code --server server}, on the jars of target/containers/{containers}. */
    static OriginProcess.Runtime javaxOrigin(String name, Path jdk, String containers, String server) {
        return new OriginProcess.Runtime(name, jdk, "9", OriginProcess.Layout.CLASS_PATH)
                .containers(containers)
                .app("cf520.javax.jar", "../fixtures/javax-origin/target/cf520-javax-origin-0.1.0-SNAPSHOT.jar",
                        "dev.cf520.javax.JavaxOrigin")
                .server(server);
    }

    /** A JDK 25, found as Tomcat11Java25IT finds it: required when CF520_REQUIRE_JAVA25 is set, else the class is skipped. */
    static Path jdk25() {
        Path jdk = OriginProcess.java25();
        if (Boolean.getBoolean("cf520.require-java25") || "true".equals(System.getenv("CF520_REQUIRE_JAVA25"))) {
            org.junit.jupiter.api.Assertions.assertNotNull(jdk, "CF520_REQUIRE_JAVA25 is set but no JDK 25 was found (set JAVA25_HOME)");
        }
        assumeTrue(jdk != null, "no JDK 25 found (set JAVA25_HOME); the Java 25 run is skipped here, CI requires it");
        return jdk;
    }
}
