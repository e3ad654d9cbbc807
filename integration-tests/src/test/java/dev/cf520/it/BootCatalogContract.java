package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The catalogue against a Spring Boot executable jar. Boot loads much of the container's and Spring's
 * request path lazily from its nested jars on the first request (0.4-0.7 s here, more on a busy
 * machine), longer than the catalogue's 1.5 s idle read allows under load: one request without a
 * CF-Ray (no case looks for its span) warms the app before the cases run.
 */
abstract class BootCatalogContract extends CatalogContract {
    @BeforeAll
    @Override
    void startOrigin() throws Exception {
        super.startOrigin();
        RawHttp.Response r = RawHttp.get(origin.port(), "/hello",
                Map.of("User-Agent", "cf520-it-warm-up", "Connection", "close"), 10_000);
        assertEquals(200, r.status(), "warm-up request: " + r.head());
    }
}
