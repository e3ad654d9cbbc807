package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeSink;
import dev.cf520.detect.Phase;
import dev.cf520.detect.Reason;
import dev.cf520.detect.Risk;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredSinkTest {

    private static final class Recording implements ExchangeSink {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<List<Risk>> risks = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void exchangeEnded(Exchange exchange, List<Risk> r) {
            calls.add("ended " + exchange.path());
            risks.add(r);
        }

        @Override
        public void riskWhileRunning(Exchange exchange, Risk risk) {
            calls.add("running " + exchange.path() + " " + risk.reason().code());
        }
    }

    private static Exchange exchange(String path) {
        return new Exchange("GET", path, "HTTP/1.1", "http", 1024);
    }

    private static Risk slow() {
        return new Risk(Reason.SLOW_RESPONSE, Phase.BEFORE_HEADERS, "no response headers after 125 s", 1L);
    }

    @Test
    void heldUntilReadyThenDeliveredInOrder() {
        DeferredSink deferred = new DeferredSink();
        Recording sink = new Recording();
        List<Risk> risks = List.of(slow());
        deferred.exchangeEnded(exchange("/1"), List.of());
        deferred.riskWhileRunning(exchange("/2"), slow());
        deferred.exchangeEnded(exchange("/2"), risks);
        deferred.exchangeEnded(exchange("/3"), List.of());
        assertTrue(sink.calls.isEmpty());

        deferred.ready(sink);
        assertEquals(List.of("ended /1", "running /2 slow_response", "ended /2", "ended /3"), sink.calls);
        assertSame(risks, sink.risks.get(1), "the risks are handed over as they were");
        assertEquals(0, deferred.dropped());

        deferred.exchangeEnded(exchange("/4"), List.of());
        deferred.riskWhileRunning(exchange("/5"), slow());
        assertEquals(List.of("ended /1", "running /2 slow_response", "ended /2", "ended /3", "ended /4",
                "running /5 slow_response"), sink.calls);
    }

    @Test
    void afterReadyExchangesGoStraightThrough() {
        DeferredSink deferred = new DeferredSink();
        Recording sink = new Recording();
        deferred.ready(sink);
        deferred.exchangeEnded(exchange("/a"), List.of());
        assertEquals(List.of("ended /a"), sink.calls);
        deferred.riskWhileRunning(exchange("/b"), slow());
        assertEquals(List.of("ended /a", "running /b slow_response"), sink.calls);
        assertEquals(0, deferred.dropped());
    }

    @Test
    void beyond4096HeldOnesAreDroppedAndCounted() {
        DeferredSink deferred = new DeferredSink();
        Recording sink = new Recording();
        for (int i = 0; i < 4096 + 10; i++) {
            deferred.exchangeEnded(exchange("/" + i), List.of());
        }
        deferred.riskWhileRunning(exchange("/late"), slow());
        assertEquals(11, deferred.dropped());
        assertTrue(sink.calls.isEmpty());

        deferred.ready(sink);
        assertEquals(4096, sink.calls.size());
        for (int i = 0; i < 4096; i++) {
            assertEquals("ended /" + i, sink.calls.get(i), "the oldest are kept, in order");
        }
        deferred.exchangeEnded(exchange("/after"), List.of());
        assertEquals("ended /after", sink.calls.get(4096));
        assertEquals(11, deferred.dropped(), "nothing dropped once ready");
    }

    @Test
    void concurrentEndsDuringStartUpAreNeitherLostNorDuplicated() throws InterruptedException {
        DeferredSink deferred = new DeferredSink();
        Recording sink = new Recording();
        int threads = 4;
        int each = 500;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    deferred.exchangeEnded(exchange("/" + id + "/" + i), List.of());
                }
            });
            workers.add(w);
            w.start();
        }
        Thread.sleep(1);
        deferred.ready(sink);
        for (Thread w : workers) {
            w.join(10_000);
        }
        assertEquals(0, deferred.dropped());
        assertEquals(threads * each, sink.calls.size());
        assertEquals(threads * each, new java.util.HashSet<>(sink.calls).size());
    }
}
