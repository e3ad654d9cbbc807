package dev.cf520.detect;

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
