package dev.cf520.it;

/**
 * The idle-close race sweep on Tomcat 9 (javax), the line whose idle closes were otherwise proven only by the hook
 * test: the same NIO endpoint and keepAliveTimeout as Tomcat 11, through the javax demo servlet.
 */
class Tomcat9IdleRaceIT extends IdleRaceSweep {
    @Override
    OriginProcess.Runtime runtime() {
        return JavaxContract.javaxOrigin("tomcat-9/java-17/class-path", OriginProcess.java17(), "tomcat-9", "tomcat");
    }

    @Override
    String container() {
        return "tomcat";
    }

    @Override
    String reportName() {
        return "tomcat-9";
    }
}
