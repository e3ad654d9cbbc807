package dev.cf520.it;

/**
 * Rule 8 on Undertow: the h2c upgrade request is not an HTTP/1.1 exchange of its own (Undertow answers
 * 101 and runs it again as HTTP/2 stream 1), and HTTP/2 exchanges are spans marked unjudged.
 */
class UndertowHttp2IT extends Http2IT {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("undertow/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("undertow");
    }
}
