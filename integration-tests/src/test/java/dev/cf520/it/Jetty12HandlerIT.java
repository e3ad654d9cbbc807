package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

/**
 * Jetty 12.1 core Handlers without any servlet ({@code --server jetty-handler}, the demo's
 * JettyHandlerDemo) on Java 17: cf520's hooks sit in Jetty's core (HttpChannelState, the HTTP/1
 * stream, the EndPoint), so a plain {@code org.eclipse.jetty.server.Handler} is covered too.
 */
class Jetty12HandlerIT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("jetty-12-handler/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("jetty-handler");
    }

    @Override
    List<Catalog.Case> cases() {
        return List.of(
                Catalog.healthy("/hello", 200, Catalog.complete(200)),
                // Content-Length 10000, 412 bytes written, callback succeeded: Jetty's ChannelCallback does not
                // re-check the length of an already committed response, so the connection stays open, cut short
                Catalog.risk("/fault/truncated-body", List.of("truncated_body"), 200, 502, null, r -> {
                    assertEquals("10000", r.header("content-length"));
                    assertEquals(412, r.bodyBytes(), "412 of 10,000 declared bytes");
                }),
                // the Handler throws after committing: HttpChannelState$HandlerInvoker fails the callback,
                // the committed stream is failed and the connection aborted without the last chunk
                Catalog.risk("/fault/exception-after-commit", List.of("exception_after_commit", "truncated_body"), 200,
                        520, "java.lang.IllegalStateException", r -> {
                            assertEquals(200, r.status());
                            assertEquals("chunked", r.header("transfer-encoding"));
                            assertFalse(r.endsWithLastChunk(), "the last chunk never came");
                            assertEquals(1000, r.payloadBytes());
                        }));
    }
}
