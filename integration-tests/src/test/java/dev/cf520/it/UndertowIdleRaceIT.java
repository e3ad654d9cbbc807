package dev.cf520.it;

/**
 * The idle-close race on Undertow 2.3 (servlet deployment, Java 17) behind nginx. NO_REQUEST_TIMEOUT 1000 ms:
 * Undertow's ParseTimeoutUpdater timer fires 50 ms after the deadline (its FUZZ_FACTOR) on the connection's IO
 * thread, so the close lands about 1,050 ms after the last response; the sweep's gaps straddle that moment.
 * A request that reached the socket but was left unread is closed with RST (nginx: "Connection reset by peer"),
 * which the agent sees with FIONREAD and reports as an idle_close_race.
 */
class UndertowIdleRaceIT extends IdleRaceSweep {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("undertow/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("undertow");
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
