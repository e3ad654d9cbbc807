package dev.cf520.it;

/** The {@link Jetty9Java17IT} runtime and catalogue on Java 25. */
class Jetty9Java25IT extends Jetty9Java17IT {
    @Override
    OriginProcess.Runtime runtime() {
        return javaxOrigin("jetty-9.4/java-25/class-path", OriginProcess.java25OrSkip(), "jetty-9.4", "jetty");
    }
}
