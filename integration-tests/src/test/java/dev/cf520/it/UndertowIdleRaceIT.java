package dev.cf520.it;

/**
 * The idle-close race on Undertow 2.3 (servlet deployment, Java 17) behind nginx. NO_REQUEST_TIMEOUT 1000 ms:
 * Undertow's ParseTimeoutUpdater timer fires 50 ms after the deadline (its FUZZ_FACTOR) on the connection's IO
 * thread, so the close lands about 1,050 ms after the last response; the sweep's gaps straddle that moment.
 * A request that reached the socket but was left unread is closed with RST (nginx: "recv() failed (104: Connection
 * reset by peer)"); the agent reports it as an idle_close_race only when the bytes were there when the timer began
 * (its FIONREAD probe), not when they arrived during Undertow's close path: with one pooled connection that path is
 * as wide as the window before the probe, and the RST 502s measured here went unattributed (listed, not asserted).
 * A request arriving after the close meets a FIN ("upstream prematurely closed connection"): invisible to the origin.
 */
class UndertowIdleRaceIT extends IdleRaceSweep {
    @Override
    OriginProcess.Runtime runtime() {
        return UndertowIdleClosesIT.demo();
    }

    @Override
    String container() {
        return "undertow";
    }

    @Override
    double firstOffsetMillis() {
        return 44.0;
    }

    @Override
    double stepMillis() {
        return 0.3;
    }
}
