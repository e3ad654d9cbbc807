package dev.cf520.it;

/** Tomcat 11 from the demo's executable jar (the README's main command), on Java 17. */
class Tomcat11Java17IT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR);
    }
}
