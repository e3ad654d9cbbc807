package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exchange behaviours (client abort mid-download, keep-alive and async ending exactly once, the
 * slow-response watchdog, metrics, context) on the Undertow servlet deployment, and the demo's quiet start.
 */
class UndertowExchangeBehaviourIT extends ExchangeBehaviourIT {
    @Override
    OriginProcess.Runtime runtime() {
        return new OriginProcess.Runtime("undertow/java-17/fat-jar", OriginProcess.java17(), "11",
                OriginProcess.Layout.FAT_JAR).server("undertow");
    }

    @Test
    void undertowAndXnioStayQuietAtStartup() {
        List<String> all = new ArrayList<>(origin.stdout());
        all.addAll(origin.stderr());
        // java.util.logging's default format puts the level first on a message's second line ("INFO: ...")
        assertTrue(all.stream().noneMatch(l -> l.contains("XNIO") || l.startsWith("INFO")),
                "no Undertow/XNIO INFO lines: " + all);
        assertTrue(origin.stdout().get(0).contains("(Undertow 2.3."), origin.stdout().get(0));
        assertEquals(1, origin.agentLines().stream().filter(l -> l.contains(" INFO ")).count(), origin.agentLines().toString());
    }
}
