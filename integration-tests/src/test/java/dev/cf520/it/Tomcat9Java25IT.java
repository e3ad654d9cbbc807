package dev.cf520.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/** The {@link Tomcat9Java17IT} runtime and catalogue on Java 25. */
class Tomcat9Java25IT extends Tomcat9Java17IT {
    @Override
    OriginProcess.Runtime runtime() {
        return javaxOrigin("tomcat-9/java-25/class-path", jdk25(), "tomcat-9", "tomcat");
    }

    /** A JDK 25, as Tomcat11Java25IT finds it: required when CF520_REQUIRE_JAVA25 is set, else the class is skipped. */
    static Path jdk25() {
        Path jdk = OriginProcess.java25();
        if (Boolean.getBoolean("cf520.require-java25") || "true".equals(System.getenv("CF520_REQUIRE_JAVA25"))) {
            org.junit.jupiter.api.Assertions.assertNotNull(jdk, "CF520_REQUIRE_JAVA25 is set but no JDK 25 was found (set JAVA25_HOME)");
        }
        assumeTrue(jdk != null, "no JDK 25 found (set JAVA25_HOME); the Java 25 run is skipped here, CI requires it");
        return jdk;
    }
}
