package dev.cf520.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The connectors the container adapters have seen, each reported once: at start-up when the
 * container starts it, on attach when it serves its first exchange. Container objects are only
 * identity keys; what is kept is the neutral {@link ConnectorSettings}.
 */
public final class Connectors {
    private static final Map<Object, ConnectorSettings> SEEN = new ConcurrentHashMap<>();
    /** (container hash, port) of every connector seen: a per-exchange check that allocates nothing. */
    private static volatile long[] seenPorts = new long[0];
    private static volatile BiConsumer<ConnectorSettings, List<String>> listener;
    private static volatile KeepAliveCheck check;

    private Connectors() {
    }

    /** From now on connectors are recorded (and checked once {@link #listen} is called). */
    public static void install(KeepAliveCheck keepAliveCheck) {
        check = keepAliveCheck;
    }

    /**
     * Passes on the findings of every connector seen, those recorded before this call included: the
     * agent reports only once it is active, and never when it stays off.
     */
    public static synchronized void listen(BiConsumer<ConnectorSettings, List<String>> onNew) {
        listener = onNew;
        KeepAliveCheck c = check;
        if (c != null && onNew != null) {
            for (ConnectorSettings s : SEEN.values()) {
                onNew.accept(s, c.findings(s));
            }
        }
    }

    /** Cheap enough for every exchange: true once {@code connectorKey} was reported. */
    public static boolean known(Object connectorKey) {
        return SEEN.containsKey(connectorKey);
    }

    /**
     * Like {@link #known}, for containers whose exchange only reaches its connector by port (Undertow):
     * no key has to be built on every exchange.
     */
    public static boolean knownPort(String container, int port) {
        long k = portKey(container, port);
        for (long p : seenPorts) {
            if (p == k) {
                return true;
            }
        }
        return false;
    }

    private static long portKey(String container, int port) {
        return ((long) container.hashCode() << 32) | (port & 0xffffffffL);
    }

    /** Records a connector's settings the first time it is seen, and passes on what is risky about them. */
    public static void report(Object connectorKey, ConnectorSettings settings) {
        KeepAliveCheck c = check;
        if (c == null || connectorKey == null || SEEN.putIfAbsent(connectorKey, settings) != null) {
            return;
        }
        synchronized (Connectors.class) {
            long[] next = java.util.Arrays.copyOf(seenPorts, seenPorts.length + 1);
            next[next.length - 1] = portKey(settings.container(), settings.port());
            seenPorts = next;
        }
        synchronized (Connectors.class) {
            BiConsumer<ConnectorSettings, List<String>> l = listener;
            if (l != null) {
                l.accept(settings, c.findings(settings));
            }
        }
    }

    /** The connectors seen so far, with whether each one's idle timeout races the peer's. */
    public static List<ConnectorSettings> all() {
        return new ArrayList<>(SEEN.values());
    }

    public static KeepAliveCheck check() {
        return check;
    }
}
