package dev.cf520.it;

/**
 * The idle-close race on Jetty 12.1 (ee10, Java 17) behind nginx. idleTimeout 1000 ms: Jetty's IdleTimeout
 * scheduler fires at the idle deadline; between requests the EndPoint fails the connection's wait to read and
 * HttpConnection shuts its output (FIN). When a request has just arrived and is being read, the EndPoint is
 * closed outright instead, and Jetty may still run the application on it.
 */
class Jetty12IdleRaceIT extends IdleRaceSweep {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("jetty");
    }

    /** A cold Jetty (with the agent) may take longer than the 1 s idle timeout to answer its first request. */
    @Override
    void warmUp(int originPort) throws Exception {
        JettyIdleClosesIT.warmUp(this, originPort);
    }

    @Override
    String container() {
        return "jetty";
    }

    @Override
    String reportName() {
        return "jetty-12";
    }
}
