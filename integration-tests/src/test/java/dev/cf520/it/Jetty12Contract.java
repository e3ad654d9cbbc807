package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The catalogue against a Jetty 12 origin. Jetty loads its request path (HttpChannelState, the
 * HTTP/1 stream, the EndPoint, ee10's ServletChannel) only with the first request, and cf520
 * transforms those classes then: on a busy machine that first answer can take longer than the
 * catalogue's 1.5 s idle read. One request without a CF-Ray (its span matches no case) loads them.
 */
abstract class Jetty12Contract extends CatalogContract {
    @BeforeAll
    void loadJettysRequestPath() throws Exception {
        assertEquals(200, RawHttp.get(origin.port(), "/hello", Map.of(), 30_000).status(), "warm-up request");
    }
}
