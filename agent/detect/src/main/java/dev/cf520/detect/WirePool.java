package dev.cf520.detect;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Released {@link ResponseWire}s (with their header block) waiting for the next exchange, so that
 * following a response allocates nothing in the steady state. A bounded array of slots taken and
 * filled by compare-and-set: no lock, no node per entry, nothing per thread (a virtual thread per
 * request would defeat a ThreadLocal). Each thread starts probing at a slot of its own, so one
 * thread ending exchanges one after another finds the wire it released last. A wire is in the pool
 * or owned by one exchange, never both: {@link Exchange#release} gives it back exactly once.
 */
final class WirePool {
    private static final int SLOTS = 64;
    private static final int PROBES = 8;
    private static final AtomicReferenceArray<ResponseWire> FREE = new AtomicReferenceArray<>(SLOTS);

    private WirePool() {
    }

    /** A wire reset for a new response: a released one when there is one near, else a new one. */
    static ResponseWire take(boolean headRequest, int keepHeadBytes) {
        int start = start();
        for (int i = 0; i < PROBES; i++) {
            int slot = (start + i) & (SLOTS - 1);
            ResponseWire w = FREE.get(slot);
            if (w != null && FREE.compareAndSet(slot, w, null)) {
                return w.reset(headRequest, keepHeadBytes);
            }
        }
        return new ResponseWire(headRequest, keepHeadBytes);
    }

    /** Takes back a wire nobody reads any more; dropped for the GC when the slots near are full. */
    static void give(ResponseWire w) {
        w.reset(false, 0); // lets go of a big header buffer now, not when the wire is next taken
        int start = start();
        for (int i = 0; i < PROBES; i++) {
            int slot = (start + i) & (SLOTS - 1);
            if (FREE.get(slot) == null && FREE.compareAndSet(slot, null, w)) {
                return;
            }
        }
    }

    private static int start() {
        long id = Thread.currentThread().getId();
        return (int) (id ^ (id >>> 16)) * PROBES;
    }
}
