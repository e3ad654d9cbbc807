package dev.cf520.it;

/** Tomcat 10.1 on the class path on Java 25 (the agent is built with 17). */
class Tomcat10Java25IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("tomcat-10.1/java-25/class-path", OriginProcess.java25OrSkip(), "10.1",
                OriginProcess.Layout.CLASS_PATH);
    }
}
