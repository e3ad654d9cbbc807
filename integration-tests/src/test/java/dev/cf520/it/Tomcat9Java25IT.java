package dev.cf520.it;

/** The {@link Tomcat9Java17IT} runtime and catalogue on Java 25. */
class Tomcat9Java25IT extends Tomcat9Java17IT {
    @Override
    OriginProcess.Runtime runtime() {
        return javaxOrigin("tomcat-9/java-25/class-path", OriginProcess.java25OrSkip(), "tomcat-9", "tomcat");
    }
}
