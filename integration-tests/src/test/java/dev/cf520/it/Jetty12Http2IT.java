package dev.cf520.it;

/**
 * Rule 8 on Jetty 12: h2c streams reach HttpChannelState.onRequest like HTTP/1 requests (protocol
 * HTTP/2.0, so unjudged) and end in HttpChannelState.completeStream, never at the HTTP/1 stream.
 */
class Jetty12Http2IT extends Http2IT {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("jetty");
    }
}
