package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A response's wire record (ResponseWire and its HeaderBlock) is recycled from one exchange to the
 * next: a recycled one must be indistinguishable from a new one, and an exchange must never see
 * another's bytes through it.
 */
class WireReuseTest {
    /** Between them, they set every field: interim head, head over several writes, bad headers, framing. */
    private static final String[][] MESSY = {
        {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n",
            "Content-Length: 6\r\nX Bad: v\r\nConnection: close\r\nSet-Cookie: a=1\r\n\r\nbody"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\nV: \u0001\r\n\r\n",
            "4\r\nabcd\r\n3;x\r\nabc\r\nzz\r\n0\r\n\r\nmore"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok, and more"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nT: 1\r\n\r\n"},
        {"HTTP/1.1 2xx OK\nDate: today\r\n"},
    };
    private static final int[] STATUSES = {200, 201, 203, 206, 404, 500, 503};
    private static final String HEALTHY = "HTTP/1.1 200 \r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";

    private static void feed(ResponseWire w, String... writes) {
        for (String s : writes) {
            byte[] b = Bytes.of(s);
            w.feed(b, 0, b.length);
        }
    }

    /** Field by field, into the header block; an object field must be the same object or equal. */
    private static void assertSameState(Object expected, Object actual, String path) throws Exception {
        for (Class<?> c = expected.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("block")) {
                    continue; // the block is read only as finalHead, compared below once a head was parsed into it
                }
                f.setAccessible(true);
                Object e = f.get(expected);
                Object a = f.get(actual);
                String where = path + "." + f.getName();
                if (f.getName().equals("largestNameBytes")) {
                    // scratch: only its first largestNameLength bytes mean anything
                    assertEquals(((HeaderBlock) expected).largestHeaderName(), ((HeaderBlock) actual).largestHeaderName(), where);
                } else if (e instanceof HeaderBlock && a instanceof HeaderBlock) {
                    assertSameState(e, a, where);
                } else {
                    assertEquals(e, a, where);
                }
            }
        }
    }

    @Test
    void theMessyResponsesDirtyEverything() {
        ResponseWire w = new ResponseWire(false, 64 * 1024);
        feed(w, MESSY[0]);
        assertEquals(1, w.interimCount());
        assertFalse(w.finalHead().headerProblems().isEmpty());
        assertFalse(w.finalHead().framingProblems().isEmpty());
        assertEquals(1, w.finalHead().setCookieCount());
        assertTrue(w.finalHead().connectionClose());
        w = new ResponseWire(false, 64 * 1024);
        feed(w, MESSY[1]);
        assertTrue(w.finalHead().chunked());
        assertNotNull(w.chunkError());
        w = new ResponseWire(false, 64 * 1024);
        feed(w, MESSY[2]);
        assertTrue(w.excessBytes() > 0);
        w = new ResponseWire(false, 64 * 1024);
        feed(w, MESSY[4]);
        assertTrue(w.partialHeadBytes() > 0);
    }

    @Test
    void aResetWireIsAsNew() throws Exception {
        for (String[] messy : MESSY) {
            ResponseWire used = new ResponseWire(false, 64 * 1024);
            feed(used, messy);
            used.reset(true, 1024);
            assertSameState(new ResponseWire(true, 1024), used, "wire");
        }
    }

    @Test
    void aRecycledWireJudgesAsANewOne() throws Exception {
        ResponseWire used = new ResponseWire(false, 64 * 1024);
        for (String[] messy : MESSY) {
            feed(used, messy);
            ResponseWire fresh = new ResponseWire(false, 64 * 1024);
            used.reset(false, 64 * 1024);
            feed(fresh, HEALTHY);
            feed(used, HEALTHY);
            assertSameState(fresh, used, "wire");
            assertTrue(used.finalHead().headerProblems().isEmpty());
            assertEquals(2, used.declaredLength());
            assertTrue(used.complete());
            used.reset(false, 64 * 1024);
        }
    }

    @Test
    void releaseHandsTheWireToTheNextExchangeAndKeepsTheStatus() {
        Exchange first = new Exchange("GET", "/a", "HTTP/1.1", "http", 64 * 1024);
        byte[] b = Bytes.of(HEALTHY);
        first.wire(b, 0, b.length);
        ResponseWire w = first.response();
        first.release();
        assertSame(w, first.response(), "not released before the end");
        assertTrue(first.end());
        first.release();
        assertNull(first.response());
        assertEquals(200, first.status(), "the status outlives the wire");
        first.release(); // twice: nothing more

        Exchange second = new Exchange("GET", "/b", "HTTP/1.1", "http", 64 * 1024);
        byte[] notFound = Bytes.of("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n");
        second.wire(notFound, 0, notFound.length);
        assertSame(w, second.response(), "the same thread takes back the wire it released");
        first.wire(b, 0, b.length); // a late write for the ended exchange
        assertEquals(404, second.status());
        assertEquals(0, second.response().payloadBytes(), "the late write never reaches the new owner");
        assertEquals(200, first.status());
        assertTrue(second.end());
        second.release();
    }

    @Test
    void anExchangeNeverReleasedKeepsItsWire() {
        Exchange kept = new Exchange("GET", "/kept", "HTTP/1.1", "http", 64 * 1024);
        byte[] b = Bytes.of(HEALTHY);
        kept.wire(b, 0, b.length);
        assertTrue(kept.end());
        for (int i = 0; i < 200; i++) { // others come and go through the pool
            Exchange other = new Exchange("GET", "/other", "HTTP/1.1", "http", 64 * 1024);
            byte[] o = Bytes.of("HTTP/1.1 503 \r\nContent-Length: 3\r\n\r\nbad");
            other.wire(o, 0, o.length);
            other.end();
            other.release();
        }
        assertEquals(200, kept.status());
        assertEquals(2, kept.response().payloadBytes());
        assertEquals(200, kept.response().finalHead().status());
    }

    /** Many threads, each exchange with a body length of its own: a shared wire would mix them up. */
    @Test
    void concurrentExchangesNeverShareAWire() throws Exception {
        int threads = 8;
        int each = 2000;
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<String> wrong = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each && wrong.get() == null; i++) {
                    int len = (id * each + i) % 997;
                    int status = STATUSES[i % STATUSES.length];
                    Exchange x = new Exchange("GET", "/", "HTTP/1.1", "http", 64 * 1024);
                    byte[] head = Bytes.of("HTTP/1.1 " + status + " \r\nContent-Length: " + len + "\r\n\r\n");
                    x.wire(head, 0, head.length);
                    Thread.yield();
                    x.wire(new byte[len], 0, len);
                    x.end();
                    ResponseWire w = x.response();
                    if (w.payloadBytes() != len || w.declaredLength() != len || !w.complete()
                            || w.finalHead().status() != status || x.status() != status) {
                        wrong.compareAndSet(null, "thread " + id + " exchange " + i + ": wrote " + len
                                + " bytes with status " + status + ", read " + w.payloadBytes() + " of "
                                + w.declaredLength() + " with status " + w.finalHead().status());
                    }
                    x.release();
                }
            });
            th.start();
            all.add(th);
        }
        go.countDown();
        for (Thread th : all) {
            th.join(60_000);
        }
        assertNull(wrong.get());
    }
}
