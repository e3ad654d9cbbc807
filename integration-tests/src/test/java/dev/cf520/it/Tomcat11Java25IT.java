package dev.cf520.it;

/** Tomcat 11 from the demo's executable jar on Java 25 (the agent is built with 17). */
class Tomcat11Java25IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("tomcat-11/java-25/fat-jar", OriginProcess.java25OrSkip(), "11",
                OriginProcess.Layout.FAT_JAR);
    }
}
