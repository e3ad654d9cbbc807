package dev.cf520.it;

/**
 * The idle-close race on Jetty 9.4 (the javax origin, Java 17) behind nginx. idleTimeout 1000 ms: between
 * requests the EndPoint fails the connection's wait to read and HttpConnection shuts its output (FIN); after
 * that its parser is closed, so a request arriving on the half-closed connection is read and dropped.
 */
class Jetty9IdleRaceIT extends IdleRaceSweep {
    @Override
    OriginProcess.Runtime runtime() {
        return JavaxContract.javaxOrigin("jetty-9.4/java-17/class-path", OriginProcess.java17(), "jetty-9.4", "jetty");
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
        return "jetty-9.4";
    }
}
