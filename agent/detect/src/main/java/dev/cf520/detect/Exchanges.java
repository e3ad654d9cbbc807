package dev.cf520.detect;

import dev.cf520.config.AgentConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The entry point that container advice calls, with container objects only as identity keys:
 * {@code exchangeKey} is the container's per-exchange object (Tomcat: the coyote Request) and
 * {@code connection} its per-connection object (Tomcat: the SocketWrapper). Both are held only
 * while the exchange runs. Until {@link #install} nothing is tracked.
 */
public final class Exchanges {
    private static final Map<Object, Exchange> BY_EXCHANGE = new ConcurrentHashMap<>();
    private static final Map<Object, Exchange> BY_CONNECTION = new ConcurrentHashMap<>();
    /** The exchange this thread ended last: a container closes a connection on the thread that ended its exchange. */
    // a holder set in place: ThreadLocal.set on a container thread's map cleaned up stale entries at every exchange
    // (4 % of the request threads' Java samples behind wrk, JFR), get finds its slot directly
    private static final ThreadLocal<Exchange[]> LAST_ENDED = ThreadLocal.withInitial(() -> new Exchange[1]);
    /**
     * The exchanges that ended last, on any thread: a container may close a connection on another thread than the
     * one that ended its exchange (Jetty 12, when the last write of a response it will not keep alive completes
     * on a pool thread of its own: seen in ConnectionResetIT behind HAProxy, about one upload in ten). A small
     * ring, so an exchange whose connection never closes through a hook is forgotten, never held.
     */
    private static final int RECENT = 64;
    /**
     * How soon after its exchange ended a close on another thread is that exchange's: a container closing a
     * connection it will not keep does so as the response's last write completes; an idle close (a race, which the
     * idle-close hooks report as such) comes at the idle timeout, never this soon.
     */
    static final long LATE_CLOSE_NANOS = 100_000_000L;
    private static final AtomicReferenceArray<Exchange> RECENTLY_ENDED = new AtomicReferenceArray<>(RECENT);
    private static final AtomicInteger RECENT_NEXT = new AtomicInteger();
    private static volatile ExchangeSink sink;
    private static volatile RiskRules rules;
    private static volatile int keepHeadBytes = 256 * 1024;

    private Exchanges() {
    }

    public static void install(AgentConfig config, ExchangeSink exchangeSink) {
        rules = new RiskRules(config);
        keepHeadBytes = Math.max(64 * 1024, config.maxResponseHeaderBytes() * 2);
        sink = exchangeSink;
    }

    public static boolean installed() {
        return sink != null;
    }

    /** A request has been read and handed to the application; null when the agent is not active. */
    public static Exchange begin(Object exchangeKey, String method, String path, String protocol, String scheme) {
        if (sink == null) {
            return null;
        }
        Exchange x = new Exchange(method, path, protocol, scheme, keepHeadBytes);
        Exchange stale = BY_EXCHANGE.put(exchangeKey, x);
        if (stale != null && stale.end()) {
            report(stale);
        }
        return x;
    }

    /** Response bytes for this exchange will now go out on {@code connection}. */
    public static void bindConnection(Object exchangeKey, Object connection) {
        Exchange x = BY_EXCHANGE.get(exchangeKey);
        if (x != null && connection != null) {
            x.connection(connection);
            BY_CONNECTION.put(connection, x);
        }
    }

    /** Bytes about to be written to {@code connection} (position..limit; the buffer is not moved). */
    public static void wire(Object connection, ByteBuffer bytes) {
        Exchange x = BY_CONNECTION.get(connection);
        if (x != null && bytes != null) {
            x.wire(bytes);
        }
    }

    public static void wire(Object connection, byte[] bytes, int off, int len) {
        Exchange x = BY_CONNECTION.get(connection);
        if (x != null && bytes != null) {
            x.wire(bytes, off, len);
        }
    }

    /**
     * {@code bytes} of body went to {@code connection} past the socket writes cf520 reads (Undertow
     * sends static files with FileChannel.transferTo): counted in the body's framing, content unseen.
     */
    public static void wireUnseen(Object connection, long bytes) {
        Exchange x = BY_CONNECTION.get(connection);
        if (x != null && bytes > 0) {
            x.wireUnseen(bytes);
        }
    }

    /** See {@link Exchange#failed}. */
    public static void failed(Object exchangeKey, boolean responseAborted, Throwable cause) {
        Exchange x = BY_EXCHANGE.get(exchangeKey);
        if (x != null) {
            x.failed(responseAborted, cause);
        }
    }

    /**
     * {@link #failed} for a container that learns of a failure only at the connection (Undertow: a
     * socket write that threw), for the exchange bound to it; nothing when none is.
     */
    public static void failedOnConnection(Object connection, boolean responseAborted, Throwable cause) {
        Exchange x = BY_CONNECTION.get(connection);
        if (x != null) {
            x.failed(responseAborted, cause);
        }
    }

    public static void escaped(Object exchangeKey, Throwable t) {
        Exchange x = BY_EXCHANGE.get(exchangeKey);
        if (x != null) {
            x.escaped(t);
        }
    }

    public static Exchange find(Object exchangeKey) {
        return BY_EXCHANGE.get(exchangeKey);
    }

    /** The container is done with this exchange (it may be called more than once: the first counts). */
    public static void end(Object exchangeKey) {
        Exchange x = BY_EXCHANGE.get(exchangeKey);
        if (x == null || !x.end()) {
            return;
        }
        try {
            report(x);
        } finally {
            // taken out only once the sink has it: until then the exit hook's awaitNoneRunning waits for it (a
            // global count of exchanges on their way to the sink did the same at two contended atomics per exchange)
            BY_EXCHANGE.remove(exchangeKey, x);
        }
    }

    /** {@code x} has just ended ({@link Exchange#end()} was true on this thread): to the sink with it. */
    private static void report(Exchange x) {
        Object c = x.connection();
        if (c != null) {
            BY_CONNECTION.remove(c, x);
            LAST_ENDED.get()[0] = x;
            RECENTLY_ENDED.lazySet(RECENT_NEXT.getAndIncrement() & (RECENT - 1), x);
        }
        ExchangeSink s = sink;
        RiskRules r = rules;
        if (s != null && r != null) {
            s.exchangeEnded(x, r.evaluate(x));
        }
    }

    /**
     * The container is about to close {@code connection} with {@code unreadBytes} request bytes in the
     * kernel's receive queue (a peek, see {@link SocketPeek}): the close sends a TCP RST. Reported on the
     * exchange still running on it, so that its span carries {@code connection_reset}, or, when the
     * container closes after the exchange ended (on that thread or, lately, another), beside that ended exchange.
     */
    public static void closingWithUnread(Object connection, int unreadBytes, String container) {
        ExchangeSink s = sink;
        RiskRules r = rules;
        if (s == null || r == null || connection == null || unreadBytes <= 0) {
            return;
        }
        long now = System.nanoTime();
        Exchange x = BY_CONNECTION.get(connection);
        if (x != null) {
            Risk risk = r.reset(x, unreadBytes, now, container);
            if (risk != null) {
                x.flagReset(risk); // reported with the exchange's other risks when it ends, in one span and one line
            }
            return;
        }
        x = endedOn(connection);
        if (x != null) {
            Risk risk = r.reset(x, unreadBytes, now, container);
            if (risk != null && x.flagReset(risk)) {
                s.riskAfterEnd(x, risk);
            }
        }
    }

    /** True while an exchange is bound to {@code connection}: its close then decides the exchange's last fault. */
    public static boolean runningOn(Object connection) {
        return connection != null && BY_CONNECTION.containsKey(connection);
    }

    /**
     * True while the exchange of {@code exchangeKey} runs, bound to {@code connection}: {@link #runningOn(Object)}
     * for a container that knows the exchange too, looked up by it (in a JFR profile of Tomcat behind wrk, the
     * by-connection look-up at every processor recycle was 3 % of the request threads' Java samples).
     */
    public static boolean runningOn(Object exchangeKey, Object connection) {
        Exchange x = exchangeKey == null ? null : BY_EXCHANGE.get(exchangeKey);
        return x != null && connection != null && x.connection() == connection;
    }

    /**
     * True when {@code connection} carries an exchange now, or carried the one this thread ended last: a
     * close worth a peek at the unread bytes ({@link #closingWithUnread}).
     */
    public static boolean servedOn(Object connection) {
        return runningOn(connection) || endedOn(connection) != null;
    }

    /**
     * The exchange that ended last on {@code connection}: this thread's last, else one of the last few ended, if it
     * ended within {@link #LATE_CLOSE_NANOS}.
     */
    private static Exchange endedOn(Object connection) {
        if (connection == null) {
            return null;
        }
        Exchange last = LAST_ENDED.get()[0];
        if (last != null && last.connection() == connection) {
            return last;
        }
        int next = RECENT_NEXT.get();
        long now = System.nanoTime();
        for (int i = 1; i <= RECENT; i++) {
            Exchange x = RECENTLY_ENDED.get((next - i) & (RECENT - 1));
            if (x != null && x.connection() == connection) {
                return now - (x.startNanos() + x.durationNanos()) <= LATE_CLOSE_NANOS ? x : null;
            }
        }
        return null;
    }

    /** Flags running exchanges that passed the edge's read timeout without headers. */
    public static int watchdogScan(long nowNanos) {
        ExchangeSink s = sink;
        RiskRules r = rules;
        if (s == null || r == null) {
            return 0;
        }
        int flagged = 0;
        for (Exchange x : BY_EXCHANGE.values()) {
            Risk risk = r.slow(x, nowNanos);
            if (risk != null && x.flagSlow(risk)) {
                flagged++;
                s.riskWhileRunning(x, risk);
            }
        }
        return flagged;
    }

    /**
     * The container is stopping (after any graceful drain): every exchange still in flight is flagged
     * {@code shutdown_inflight} and reported now; its span follows when it ends. Returns how many.
     */
    public static int shutdown(String container) {
        ExchangeSink s = sink;
        RiskRules r = rules;
        if (s == null || r == null) {
            return 0;
        }
        int flagged = 0;
        long now = System.nanoTime();
        for (Exchange x : BY_EXCHANGE.values()) {
            Risk risk = r.shutdown(x, now, container);
            if (risk != null && x.flagShutdown(risk)) {
                flagged++;
                s.riskWhileRunning(x, risk);
            }
        }
        return flagged;
    }

    /** How many exchanges are in flight now. */
    public static int runningCount() {
        return BY_EXCHANGE.size();
    }

    /**
     * An exchange is in flight on {@code connection} (the object it was bound to with {@link #bindConnection}):
     * a container's stop that closes a connection without one closes an idle keep-alive connection.
     */
    public static boolean inFlightOn(Object connection) {
        return connection != null && BY_CONNECTION.containsKey(connection);
    }

    /**
     * Waits up to {@code millis} for the exchanges in flight to end and reach the sink (a container's thread may be
     * ending one as the JVM exits: flushing before its span is written would lose it); true when none is left.
     */
    public static boolean awaitNoneRunning(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!noneRunning() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return noneRunning();
    }

    private static boolean noneRunning() {
        return BY_EXCHANGE.isEmpty();
    }

    /**
     * The JVM is exiting: exchanges still in flight will never end by themselves. Each is flagged
     * {@code shutdown_inflight} (if the container's stop did not already) and ended now, so its span
     * is exported before the exit. Returns how many.
     */
    public static int endAllAtExit() {
        int n = shutdown("JVM");
        for (Object key : new ArrayList<>(BY_EXCHANGE.keySet())) {
            end(key);
        }
        return n;
    }

    /** Exchanges running now (a snapshot). */
    public static List<Exchange> running() {
        return new ArrayList<>(BY_EXCHANGE.values());
    }
}
