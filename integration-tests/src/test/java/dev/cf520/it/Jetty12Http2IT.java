package dev.cf520.it;

import org.junit.jupiter.api.Test;

/**
 * Rule 8 on Jetty 12: h2c streams reach HttpChannelState.onRequest like HTTP/1 requests (protocol
 * HTTP/2.0, so unjudged) and end in HttpChannelState.completeStream, never at the HTTP/1 stream.
 */
class Jetty12Http2IT {
    @Test
    void http2ExchangesAreSpansButNotJudged() throws Exception {
        Http2IT.http2ExchangesAreSpansButNotJudged(new OriginProcess.Runtime("jetty-12/java-17/fat-jar",
                OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR).server("jetty"));
    }
}
