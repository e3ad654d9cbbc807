package dev.cf520.detect;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle keep-alive connections the container closed on its own: each one a moment in which the edge,
 * which keeps its pooled connections far longer (Cloudflare: 900 s), may send a request on a
 * connection that is going away, and get no response (a 520). Container adapters report here with
 * neutral values only; until telemetry listens, reports are dropped.
 */
public final class IdleCloses {

    /** Where reports go (telemetry). Called on the container's thread: never block. */
    public interface Listener {
        /** The container closed a connection idle for {@code idleMillis} (counted, with its age). */
        void closed(String container, int port, long idleMillis);

        /** The container closed an idle connection on which a request had already arrived: a lost request. */
        void raced(String container, int port, String peer, Risk risk);

        /** The container's stop closed {@code count} idle keep-alive connections the edge may still reuse. */
        void closedAtShutdown(String container, int port, long count);
    }

    private static volatile Listener listener;

    /** Idle timeouts that fired as a request arrived, by connection: the close they may bring is counted when it happens. */
    private static final Map<Object, Expiry> EXPIRED_WITH_REQUEST = new ConcurrentHashMap<>();
    /** A bound on marks whose connection never reports its close (it always should): beyond it, marks are dropped. */
    static final int MAX_MARKS = 4096;

    private static final class Expiry {
        final Object request;
        final String container;
        final int port;
        final long idleMillis;

        Expiry(Object request, String container, int port, long idleMillis) {
            this.request = request;
            this.container = container;
            this.port = port;
            this.idleMillis = idleMillis;
        }
    }

    private IdleCloses() {
    }

    public static void listen(Listener l) {
        listener = l;
    }

    /**
     * @param idleMillis how long the connection had been idle (since its last response, or since it
     *                   was accepted), or -1 when the container does not say
     */
    public static void closed(String container, int port, long idleMillis) {
        Listener l = listener;
        if (l != null) {
            l.closed(container, port, idleMillis);
        }
    }

    /** {@link #closed(String, int, long)} for a container that may also have marked the connection: the mark is void. */
    public static void closed(Object connection, String container, int port, long idleMillis) {
        if (!EXPIRED_WITH_REQUEST.isEmpty()) {
            EXPIRED_WITH_REQUEST.remove(connection);
        }
        closed(container, port, idleMillis);
    }

    /**
     * The idle timeout fired on {@code connection} just as {@code request} arrived on it. Whether the container then
     * closes the connection (the request is lost with it) or answers the request and keeps the connection depends on
     * where its threads are, so nothing is counted yet: {@link #connectionClosed} counts the close if it comes before
     * the connection's next request ({@link #requestStarted}).
     */
    public static void expiredWithRequest(Object connection, Object request, String container, int port, long idleMillis) {
        if (listener != null && EXPIRED_WITH_REQUEST.size() < MAX_MARKS) {
            EXPIRED_WITH_REQUEST.put(connection, new Expiry(request, container, port, idleMillis));
        }
    }

    /** A request starts on {@code connection}: a mark left by an earlier request's expiry is void (it survived). */
    public static void requestStarted(Object connection, Object request) {
        if (!EXPIRED_WITH_REQUEST.isEmpty()) {
            Expiry e = EXPIRED_WITH_REQUEST.get(connection);
            if (e != null && e.request != request) {
                EXPIRED_WITH_REQUEST.remove(connection, e);
            }
        }
    }

    /** {@code connection} closes: counted as an idle close when its idle timeout had fired as its request arrived. */
    public static void connectionClosed(Object connection) {
        if (!EXPIRED_WITH_REQUEST.isEmpty()) {
            Expiry e = EXPIRED_WITH_REQUEST.remove(connection);
            if (e != null) {
                closed(e.container, e.port, e.idleMillis);
            }
        }
    }

    /** Marks not yet resolved (tests). */
    static int marks() {
        return EXPIRED_WITH_REQUEST.size();
    }

    /** The container is stopping and closes {@code count} idle keep-alive connections: each a 520 risk during a deploy. */
    public static void closedAtShutdown(String container, int port, long count) {
        Listener l = listener;
        if (l != null && count > 0) {
            l.closedAtShutdown(container, port, count);
        }
    }

    /**
     * The container closed a keep-alive connection for idleness although {@code unreadBytes} of a
     * request had arrived on it: the request never reached the application and the edge got no
     * response. Also counted as a close.
     */
    public static void raced(String container, int port, String peer, long idleMillis, int unreadBytes) {
        Listener l = listener;
        if (l == null) {
            return;
        }
        l.closed(container, port, idleMillis);
        String idle = idleMillis < 0 ? "an idle keep-alive connection" : "a keep-alive connection idle for "
                + Text.count(idleMillis) + " ms";
        Risk r = new Risk(Reason.IDLE_CLOSE_RACE, Phase.IDLE_CONNECTION, "the origin closed " + idle + " with "
                + Text.count(unreadBytes) + " bytes of a request unread: the edge's request got no response",
                Epoch.nanos());
        l.raced(container, port, peer, r);
    }
}
