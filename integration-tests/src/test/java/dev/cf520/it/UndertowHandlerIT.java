package dev.cf520.it;

import static dev.cf520.it.Catalog.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Undertow 2.3 without a servlet layer: the demo's {@code --server undertow-handler}, a plain
 * {@code HttpHandler} (behind Undertow's BlockingHandler), on Java 17. The hooks sit below both APIs,
 * so the same spans and reasons come out; what differs is what Undertow itself does with a throwable.
 */
class UndertowHandlerIT extends CatalogContract {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("undertow-handler/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("undertow-handler");
    }

    @Override
    List<Catalog.Case> cases() {
        return List.of(
                Catalog.healthy("/hello", 200, r -> {
                    complete(200).accept(r);
                    assertEquals("hello from a plain Undertow HttpHandler\n",
                            new String(r.bytes, r.headBytes(), r.bodyBytes(), StandardCharsets.US_ASCII));
                }),
                Catalog.healthy("/nothing-here", 404, complete(404)),
                Catalog.risk("/fault/truncated-body", List.of("truncated_body"), 200, 502, null, r -> {
                    assertEquals("10000", r.header("content-length"));
                    assertEquals(412, r.bodyBytes(), "412 of 10,000 declared bytes");
                }),
                // Connectors.executeRootHandler catches the throwable, logs it (UT005071) and calls endExchange(),
                // which closes the blocking output stream normally: the last chunk goes out, the wire is clean
                Catalog.healthyAfterException("/fault/exception-after-commit", 200, "java.lang.IllegalStateException",
                        r -> {
                            complete(200).accept(r);
                            assertEquals("chunked", r.header("transfer-encoding"));
                            assertEquals(1000, r.payloadBytes());
                        }),
                // the same with a declared length: endExchange() finds 9,000 bytes missing, the fixed-length conduit
                // truncates the response and Undertow drops the connection
                Catalog.risk("/fault/exception-after-commit-fixed", List.of("exception_after_commit", "truncated_body"),
                        200, 520, "java.lang.IllegalStateException", r -> {
                            assertEquals("10000", r.header("content-length"));
                            assertEquals(1000, r.bodyBytes());
                            assertFalse(r.ending.equals("timeout"), "the origin closed the connection");
                        }));
    }
}
