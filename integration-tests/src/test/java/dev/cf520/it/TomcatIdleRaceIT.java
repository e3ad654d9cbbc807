package dev.cf520.it;

/**
 * The idle-close race on Tomcat 11 (NIO, Java 17) behind nginx. keepAliveTimeout 1000 ms: Tomcat's Poller checks
 * timeouts when its select (1 s) times out or an event arrives after the next scan is due, so on an otherwise
 * quiet connector the close lands 1-4 ms after the timeout, and the 1 ms steps of the sweep straddle it.
 */
class TomcatIdleRaceIT extends IdleRaceSweep {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR);
    }

    @Override
    String container() {
        return "tomcat";
    }
}
