package dev.cf520.it;

import java.nio.file.Path;

/** The Spring Boot fixture apps (fixtures/*) as runtimes: executable jars on the container versions Boot brings. */
final class BootApps {
    private BootApps() {
    }

    /** Spring Boot 4 with its Tomcat 11 (fixtures/boot4-tomcat). */
    static OriginProcess.Runtime boot4Tomcat(String java, Path javaHome) {
        return executableJar("boot4-tomcat/" + java + "/executable-jar", javaHome, "cf520.boot4.tomcat.jar",
                "../fixtures/boot4-tomcat/target/cf520-fixture-boot4-tomcat.jar");
    }

    /** Spring Boot 3 with its Undertow 2.3 (fixtures/boot3-undertow). */
    static OriginProcess.Runtime boot3Undertow(String java, Path javaHome) {
        return executableJar("boot3-undertow/" + java + "/executable-jar", javaHome, "cf520.boot3.undertow.jar",
                "../fixtures/boot3-undertow/target/cf520-fixture-boot3-undertow.jar");
    }

    private static OriginProcess.Runtime executableJar(String name, Path javaHome, String jarProperty, String fallback) {
        // the app brings its container inside the jar: no container directory, no --server flag, no main class
        return new OriginProcess.Runtime(name, javaHome, "none", OriginProcess.Layout.EXECUTABLE_JAR).server(null)
                .containers(null).app(jarProperty, fallback, null);
    }
}
