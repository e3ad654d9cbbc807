package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.config.AgentConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exchanges is global static state: it is installed once here, and every test ends what it began.
 * No other test class touches it.
 */
class ExchangesTest {
    private static final long SECOND = 1_000_000_000L;

    private static final class Ended {
        final Exchange exchange;
        final List<Risk> risks;

        Ended(Exchange exchange, List<Risk> risks) {
            this.exchange = exchange;
            this.risks = risks;
        }
    }

    private static final class RecordingSink implements ExchangeSink {
        final List<Ended> ended = Collections.synchronizedList(new ArrayList<>());
        final List<Ended> running = Collections.synchronizedList(new ArrayList<>());
        final List<Ended> afterEnd = Collections.synchronizedList(new ArrayList<>());

        /** When set, exchangeEnded waits for it: an end still on its way to the sink. */
        volatile java.util.concurrent.CountDownLatch hold;
        /** Counted down when an exchangeEnded call starts waiting for {@link #hold}. */
        final java.util.concurrent.Semaphore holding = new java.util.concurrent.Semaphore(0);

        @Override
        public void exchangeEnded(Exchange exchange, List<Risk> risks) {
            java.util.concurrent.CountDownLatch h = hold;
            if (h != null) {
                holding.release();
                try {
                    h.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ended.add(new Ended(exchange, risks));
        }

        @Override
        public void riskWhileRunning(Exchange exchange, Risk risk) {
            running.add(new Ended(exchange, List.of(risk)));
        }

        @Override
        public void riskAfterEnd(Exchange exchange, Risk risk) {
            afterEnd.add(new Ended(exchange, List.of(risk)));
        }

        List<Ended> endedFor(Exchange x) {
            return of(ended, x);
        }

        List<Ended> runningFor(Exchange x) {
            return of(running, x);
        }

        List<Ended> afterEndFor(Exchange x) {
            return of(afterEnd, x);
        }

        private static List<Ended> of(List<Ended> calls, Exchange x) {
            List<Ended> out = new ArrayList<>();
            synchronized (calls) {
                for (Ended e : calls) {
                    if (e.exchange == x) {
                        out.add(e);
                    }
                }
            }
            return out;
        }
    }

    private static final RecordingSink SINK = new RecordingSink();
    private static boolean installedBefore;
    private static Exchange beganBefore;

    @BeforeAll
    static void install() {
        installedBefore = Exchanges.installed();
        beganBefore = Exchanges.begin(new Object(), "GET", "/early", "HTTP/1.1", "http");
        AgentConfig config = AgentConfig.from(Map.of(AgentConfig.EDGE_READ_TIMEOUT, "2s"), Map.of(), Map.of());
        Exchanges.install(config, SINK);
    }

    @AfterEach
    void nothingLeftRunning() {
        assertEquals(List.of(), Exchanges.running(), "a test left an exchange running");
    }

    private static void send(Object connection, String wire) {
        byte[] b = Bytes.of(wire);
        Exchanges.wire(connection, b, 0, b.length);
    }

    /** An exchange that was answered with {@code response} on {@code connection} and has ended, on this thread. */
    private static Exchange endedOn(Object connection, String path, String response) {
        Object key = new Object();
        Exchange x = Exchanges.begin(key, "POST", path, "HTTP/1.1", "http");
        Exchanges.bindConnection(key, connection);
        send(connection, response);
        Exchanges.end(key);
        return x;
    }

    /** Runs {@code r} on a thread of its own and waits for it: that thread has ended no exchange. */
    private static void onAnotherThread(Runnable r) throws InterruptedException {
        Thread other = new Thread(r);
        other.start();
        other.join();
    }

    private static List<Reason> reasons(List<Risk> risks) {
        List<Reason> out = new ArrayList<>();
        for (Risk r : risks) {
            out.add(r.reason());
        }
        return out;
    }

    @Test
    void nothingIsTrackedBeforeInstall() {
        assertFalse(installedBefore);
        assertNull(beganBefore);
        assertTrue(Exchanges.installed());
    }

    @Test
    void oneExchangeEndedPerExchangeEvenWhenEndIsCalledTwice() {
        Object key = new Object();
        Object conn = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/ok", "HTTP/1.1", "http");
        assertNotNull(x);
        assertSame(x, Exchanges.find(key));
        Exchanges.bindConnection(key, conn);
        send(conn, "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        Exchanges.end(key);
        Exchanges.end(key);
        List<Ended> ended = SINK.endedFor(x);
        assertEquals(1, ended.size());
        assertEquals(List.of(), ended.get(0).risks);
        assertEquals(200, x.status());
        assertNull(Exchanges.find(key));
    }

    @Test
    void anExchangeRunsOnItsConnectionUntilItEnds() {
        Object key = new Object();
        Object conn = new Object();
        Exchanges.begin(key, "GET", "/ok", "HTTP/1.1", "http");
        assertFalse(Exchanges.runningOn(key, conn), "not bound yet");
        Exchanges.bindConnection(key, conn);
        assertTrue(Exchanges.runningOn(key, conn));
        assertTrue(Exchanges.runningOn(conn));
        assertFalse(Exchanges.runningOn(key, new Object()), "another connection");
        assertFalse(Exchanges.runningOn(new Object(), conn), "another exchange");
        assertFalse(Exchanges.runningOn(null, conn));
        Exchanges.end(key);
        assertFalse(Exchanges.runningOn(key, conn));
        assertFalse(Exchanges.runningOn(conn));
    }

    @Test
    void risksReachTheSink() {
        Object key = new Object();
        Object conn = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/cut", "HTTP/1.1", "http");
        Exchanges.bindConnection(key, conn);
        send(conn, "HTTP/1.1 200 \r\nContent-Length: 10000\r\n\r\n" + "a".repeat(412));
        Exchanges.failed(key, true, new IllegalStateException());
        Exchanges.end(key);
        List<Ended> ended = SINK.endedFor(x);
        assertEquals(1, ended.size());
        assertEquals(List.of(Reason.EXCEPTION_AFTER_COMMIT, Reason.TRUNCATED_BODY), reasons(ended.get(0).risks));
    }

    @Test
    void failureSeenAtTheConnectionReachesItsExchangeOnly() {
        Object key = new Object();
        Object conn = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/gone", "HTTP/1.1", "http");
        Exchanges.failedOnConnection(conn, false, new java.io.IOException("not bound yet"));
        assertFalse(x.clientAbort());
        Exchanges.bindConnection(key, conn);
        send(conn, "HTTP/1.1 200 \r\nContent-Length: 10000\r\n\r\n" + "a".repeat(412));
        Exchanges.failedOnConnection(new Object(), false, new java.io.IOException("another connection"));
        assertFalse(x.clientAbort());
        Exchanges.failedOnConnection(conn, false, new java.io.IOException("Broken pipe"));
        Exchanges.end(key);
        assertTrue(x.clientAbort());
        assertEquals(List.of(), SINK.endedFor(x).get(0).risks, "a peer that went away is not an origin fault");
        Exchanges.failedOnConnection(conn, true, new IllegalStateException("after the end"));
        assertFalse(x.originAborted());
    }

    @Test
    void escapedThrowableIsRecorded() {
        Object key = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/oom", "HTTP/1.1", "http");
        OutOfMemoryError oom = new OutOfMemoryError();
        Exchanges.escaped(key, oom);
        Exchanges.end(key);
        assertSame(oom, x.cause());
        List<Ended> ended = SINK.endedFor(x);
        assertEquals(List.of(Reason.NO_RESPONSE), reasons(ended.get(0).risks));
        assertTrue(ended.get(0).risks.get(0).detail().contains("java.lang.OutOfMemoryError"));
    }

    @Test
    void directBufferIsObservedWithoutMovingIt() {
        Object key = new Object();
        Object conn = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/direct", "HTTP/1.1", "http");
        Exchanges.bindConnection(key, conn);
        byte[] b = Bytes.of("HTTP/1.1 200 \r\nContent-Length: 3\r\n\r\nabc");
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        Exchanges.wire(conn, d);
        assertEquals(0, d.position());
        Exchanges.wire(conn, (ByteBuffer) null);
        Exchanges.wire(conn, null, 0, 0);
        Exchanges.end(key);
        assertTrue(x.response().complete());
        assertEquals(List.of(), SINK.endedFor(x).get(0).risks);
    }

    @Test
    void bytesOnAnUnboundConnectionAreIgnored() {
        Object key = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/unbound", "HTTP/1.1", "http");
        send(new Object(), "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n");
        Exchanges.bindConnection(key, null);
        Exchanges.end(key);
        assertNull(x.response());
        assertEquals(List.of(Reason.NO_RESPONSE), reasons(SINK.endedFor(x).get(0).risks));
    }

    @Test
    void keepAliveConnectionMovesToTheNextExchange() {
        Object conn = new Object();
        Object k1 = new Object();
        Exchange first = Exchanges.begin(k1, "GET", "/1", "HTTP/1.1", "http");
        Exchanges.bindConnection(k1, conn);
        send(conn, "HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\na");
        Exchanges.end(k1);

        send(conn, "HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\nb"); // between exchanges: nobody's
        Object k2 = new Object();
        Exchange second = Exchanges.begin(k2, "GET", "/2", "HTTP/1.1", "http");
        Exchanges.bindConnection(k2, conn);
        send(conn, "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n");
        Exchanges.end(k2);

        assertEquals(0, first.response().excessBytes(), "bytes after the end never reach the ended exchange");
        assertEquals(200, first.status());
        assertEquals(404, second.status());
        assertEquals(List.of(), SINK.endedFor(first).get(0).risks);
        assertEquals(List.of(), SINK.endedFor(second).get(0).risks);
    }

    @Test
    void aConnectionIsBusyFromItsBindingUntilItsExchangeEnds() {
        Object conn = new Object();
        Object key = new Object();
        assertFalse(Exchanges.inFlightOn(conn), "never bound: idle");
        assertFalse(Exchanges.inFlightOn(null));
        Exchanges.begin(key, "GET", "/busy", "HTTP/1.1", "http");
        assertFalse(Exchanges.inFlightOn(conn), "the exchange is not bound to it yet");
        Exchanges.bindConnection(key, conn);
        assertTrue(Exchanges.inFlightOn(conn));
        assertFalse(Exchanges.inFlightOn(new Object()), "another connection stays idle");
        Exchanges.end(key);
        assertFalse(Exchanges.inFlightOn(conn), "idle again between exchanges");
    }

    /** The exit hook waits for an exchange a container thread is ending: flushing before it reached the sink loses its span. */
    @Test
    void awaitNoneRunningWaitsForAnEndOnItsWayToTheSink() throws Exception {
        Object key = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/ending", "HTTP/1.1", "http");
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        SINK.hold = hold;
        Thread ender = new Thread(() -> Exchanges.end(key), "container-thread");
        try {
            ender.start();
            assertTrue(SINK.holding.tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS), "the end is at the sink");
            assertFalse(Exchanges.awaitNoneRunning(100), "still ending");
            hold.countDown();
            assertTrue(Exchanges.awaitNoneRunning(5000));
            assertEquals(1, SINK.endedFor(x).size(), "at the sink once awaitNoneRunning returned");
        } finally {
            SINK.hold = null;
            hold.countDown();
            ender.join();
        }
    }

    @Test
    void beginningAgainWithTheSameKeyFinishesTheStaleExchange() {
        Object key = new Object();
        Exchange stale = Exchanges.begin(key, "GET", "/stale", "HTTP/1.1", "http");
        Exchange fresh = Exchanges.begin(key, "GET", "/fresh", "HTTP/1.1", "http");
        assertEquals(1, SINK.endedFor(stale).size());
        assertEquals(0, SINK.endedFor(fresh).size());
        assertSame(fresh, Exchanges.find(key));
        Exchanges.end(key);
        assertEquals(1, SINK.endedFor(fresh).size());
        assertEquals(1, SINK.endedFor(stale).size());
    }

    @Test
    void watchdogFlagsASlowExchangeOnce() {
        Object slowKey = new Object();
        Object fastKey = new Object();
        Object fastConn = new Object();
        Exchange slow = Exchanges.begin(slowKey, "GET", "/slow", "HTTP/1.1", "http");
        Exchange fast = Exchanges.begin(fastKey, "GET", "/fast", "HTTP/1.1", "http");
        Exchanges.bindConnection(fastKey, fastConn);
        send(fastConn, "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n");
        long now = Math.max(slow.startNanos(), fast.startNanos()) + 3 * SECOND;

        assertEquals(0, Exchanges.watchdogScan(slow.startNanos() + SECOND), "still in time");
        assertEquals(1, Exchanges.watchdogScan(now));
        assertEquals(0, Exchanges.watchdogScan(now + SECOND), "flagged once");

        List<Ended> flagged = SINK.runningFor(slow);
        assertEquals(1, flagged.size());
        Risk r = flagged.get(0).risks.get(0);
        assertEquals(Reason.SLOW_RESPONSE, r.reason());
        assertTrue(r.detail().contains("the edge's read timeout is 2 s"), r.detail());
        assertSame(r, slow.slowRisk());
        assertEquals(0, SINK.runningFor(fast).size());
        assertEquals(0, SINK.endedFor(slow).size(), "flagged while still running");

        Exchanges.end(slowKey);
        send(fastConn, "0\r\n\r\n");
        Exchanges.end(fastKey);
        assertEquals(List.of(Reason.SLOW_RESPONSE), reasons(SINK.endedFor(slow).get(0).risks));
        assertEquals(List.of(), SINK.endedFor(fast).get(0).risks);
        assertEquals(0, Exchanges.watchdogScan(now + 10 * SECOND), "ended exchanges are not scanned");
    }

    @Test
    void http2ExchangesAreTrackedButNotJudged() {
        Object key = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/h2", "HTTP/2.0", "https");
        assertFalse(x.judged());
        assertEquals(0, Exchanges.watchdogScan(x.startNanos() + 60 * SECOND));
        Exchanges.end(key);
        assertEquals(List.of(), SINK.endedFor(x).get(0).risks);
    }

    @Test
    void keepsHeaderBlocksUpToTwiceTheLimit() {
        Object key = new Object();
        Object conn = new Object();
        Exchange x = Exchanges.begin(key, "GET", "/big", "HTTP/1.1", "http");
        Exchanges.bindConnection(key, conn);
        StringBuilder head = new StringBuilder("HTTP/1.1 200 \r\n");
        for (int i = 0; i < 150; i++) {
            head.append("Set-Cookie: c").append(i).append('=').append("v".repeat(1000)).append("\r\n");
        }
        head.append("Content-Length: 2\r\n\r\n");
        send(conn, head + "ok");
        Exchanges.end(key);
        List<Risk> risks = SINK.endedFor(x).get(0).risks;
        assertEquals(List.of(Reason.OVERSIZED_HEADERS), reasons(risks),
                "the Content-Length after 150 KB of cookies is still read: the body is not called truncated");
        assertTrue(risks.get(0).detail().contains("150 Set-Cookie headers"), risks.get(0).detail());
    }

    @Test
    void operationsOnUnknownKeysAreHarmless() {
        Object unknown = new Object();
        Exchanges.failed(unknown, true, new IllegalStateException());
        Exchanges.escaped(unknown, new IllegalStateException());
        Exchanges.bindConnection(unknown, new Object());
        Exchanges.end(unknown);
        assertNull(Exchanges.find(unknown));
        int before = SINK.ended.size();
        Exchanges.end(unknown);
        assertEquals(before, SINK.ended.size());
    }

    @Test
    void aCloseWithUnreadBytesWhileTheExchangeRunsIsReportedWithTheExchange() {
        Object key = new Object();
        Object conn = new Object();
        Exchange x = Exchanges.begin(key, "POST", "/upload", "HTTP/1.1", "http");
        Exchanges.bindConnection(key, conn);
        send(conn, "HTTP/1.1 413 \r\nContent-Length: 2\r\nConnection: close\r\n\r\nno");
        assertTrue(Exchanges.servedOn(conn));
        Exchanges.closingWithUnread(conn, 65536, "test");
        Exchanges.closingWithUnread(conn, 1, "test"); // a second close of the same socket adds nothing
        Exchanges.end(key);
        List<Ended> ended = SINK.endedFor(x);
        assertEquals(1, ended.size());
        assertEquals(List.of(Reason.CONNECTION_RESET), reasons(ended.get(0).risks));
        Risk r = ended.get(0).risks.get(0);
        assertEquals(Phase.AFTER_BODY, r.phase());
        assertTrue(r.detail().contains("65,536 request bytes unread"), r.detail());
        assertEquals(List.of(), SINK.afterEndFor(x));
    }

    @Test
    void aCloseAfterTheExchangeEndedOnThisThreadIsReportedBesideIt() {
        Object key = new Object();
        Object conn = new Object();
        Exchange x = Exchanges.begin(key, "POST", "/upload", "HTTP/1.1", "http");
        Exchanges.bindConnection(key, conn);
        send(conn, "HTTP/1.1 413 \r\nContent-Length: 2\r\n\r\nno");
        Exchanges.end(key);
        assertEquals(List.of(), SINK.endedFor(x).get(0).risks);
        assertTrue(Exchanges.servedOn(conn));
        assertFalse(Exchanges.servedOn(new Object()), "another connection's close is not this exchange's");
        Exchanges.closingWithUnread(new Object(), 100, "test");
        assertEquals(List.of(), SINK.afterEndFor(x));
        Exchanges.closingWithUnread(conn, 100, "test");
        Exchanges.closingWithUnread(conn, 100, "test");
        List<Ended> after = SINK.afterEndFor(x);
        assertEquals(1, after.size());
        assertEquals(List.of(Reason.CONNECTION_RESET), reasons(after.get(0).risks));
    }

    @Test
    void aCloseWithNothingUnreadIsNoReset() {
        Object key = new Object();
        Object conn = new Object();
        Exchange x = Exchanges.begin(key, "POST", "/upload", "HTTP/1.1", "http");
        Exchanges.bindConnection(key, conn);
        send(conn, "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        Exchanges.closingWithUnread(conn, 0, "test");
        Exchanges.end(key);
        Exchanges.closingWithUnread(conn, 0, "test");
        assertEquals(List.of(), SINK.endedFor(x).get(0).risks);
        assertEquals(List.of(), SINK.afterEndFor(x));
    }

    /** Jetty 12 may close on a pool thread of its own, once the last write of a non-persistent response completed. */
    @Test
    void aCloseOnAnotherThreadAfterTheExchangeEndedIsReportedBesideIt() throws Exception {
        Object conn = new Object();
        Exchange x = endedOn(conn, "/upload", "HTTP/1.1 413 \r\nContent-Length: 2\r\n\r\nno");
        boolean[] served = new boolean[2];
        onAnotherThread(() -> {
            served[0] = Exchanges.servedOn(conn);
            served[1] = Exchanges.servedOn(new Object());
            Exchanges.closingWithUnread(conn, 100, "test");
        });
        assertTrue(served[0], "the connection's last exchange is found from any thread");
        assertFalse(served[1], "another connection's close is not this exchange's");
        List<Ended> after = SINK.afterEndFor(x);
        assertEquals(1, after.size());
        assertEquals(List.of(Reason.CONNECTION_RESET), reasons(after.get(0).risks));
    }

    @Test
    void onlyTheLastFewEndedExchangesAreRememberedForALateClose() throws Exception {
        Object conn = new Object();
        Exchange first = endedOn(conn, "/upload", "HTTP/1.1 413 \r\nContent-Length: 2\r\n\r\nno");
        for (int i = 0; i < 200; i++) { // 200 exchanges of other connections end after it
            endedOn(new Object(), "/x", "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        }
        boolean[] served = new boolean[1];
        onAnotherThread(() -> served[0] = Exchanges.servedOn(conn));
        assertFalse(served[0], "forgotten: the ring holds the last 64");
        assertEquals(List.of(), SINK.afterEndFor(first));
    }

    /** An idle close (the idle-close hooks report its race) is not a reset beside the connection's last exchange. */
    @Test
    void aCloseOnAnotherThreadLongAfterTheExchangeEndedIsNotItsReset() throws Exception {
        Object conn = new Object();
        Exchange x = endedOn(conn, "/hello", "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        Thread.sleep(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(Exchanges.LATE_CLOSE_NANOS) + 50);
        boolean[] served = new boolean[1];
        onAnotherThread(() -> {
            served[0] = Exchanges.servedOn(conn);
            Exchanges.closingWithUnread(conn, 87, "test");
        });
        assertFalse(served[0], "an idle close, not the end of that exchange");
        assertEquals(List.of(), SINK.afterEndFor(x));
    }
}
