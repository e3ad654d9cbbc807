package dev.cf520.it;

/**
 * The exchange behaviours on Jetty 12 ee10: a client hanging up mid-download (SocketChannelEndPoint
 * wraps the write failure in an EofException: a client abort, not Jetty's own abort), keep-alive and
 * async exchanges ending once each, the slow-response watchdog, metrics, trace context, a bad CF-Ray.
 */
class Jetty12BehaviourIT extends ExchangeBehaviourIT {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("jetty");
    }

    /** Jetty's ServletChannel turns the demo's truncated body into a clean 500 (see the catalogue). */
    @Override
    String[] aRisk() {
        return new String[] {"/fault/invalid-status", "invalid_status"};
    }
}
