package dev.cf520.it;

/** Tomcat 10.1 (the oldest jakarta line the agent hooks) on the class path, on Java 17. */
class Tomcat10Java17IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("tomcat-10.1/java-17/class-path", OriginProcess.java17(), "10.1",
                OriginProcess.Layout.CLASS_PATH);
    }
}
