package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RayIdTest {

    @Test
    void absentHeaderIsNull() {
        assertNull(RayId.parse(null));
    }

    @Test
    void validWithColo() {
        RayId r = RayId.parse("8e39e2c50f3aab97-SJC");
        assertTrue(r.valid());
        assertEquals("8e39e2c50f3aab97-SJC", r.id());
        assertEquals("SJC", r.colo());
        assertEquals("8e39e2c50f3aab97-SJC", r.raw());
    }

    @Test
    void validWithExtraSuffixKeepsFirstAsColo() {
        RayId r = RayId.parse("8e39e2c50f3aab97-SJC-PIG");
        assertTrue(r.valid());
        assertEquals("8e39e2c50f3aab97-SJC-PIG", r.id());
        assertEquals("SJC", r.colo());
    }

    @Test
    void documentationExampleIsValid() {
        RayId r = RayId.parse("230b030023ae2822-SJC");
        assertTrue(r.valid());
        assertEquals("SJC", r.colo());
    }

    @Test
    void surroundingWhitespaceIsTrimmed() {
        RayId r = RayId.parse("  8e39e2c50f3aab97-LHR ");
        assertTrue(r.valid());
        assertEquals("8e39e2c50f3aab97-LHR", r.id());
        assertEquals("LHR", r.colo());
    }

    static Stream<String> malformed() {
        return Stream.of(
                "",
                "   ",
                "8e39e2c50f3aab9-SJC",          // 15 hex digits
                "8e39e2c50f3aab971-SJC",        // 17 hex digits
                "8e39e2c50f3aab97",             // no suffix
                "8e39e2c50f3aab97-",            // empty suffix
                "8e39e2c50f3aab97-SJC-",        // empty second suffix
                "8e39e2c50f3aab97--SJC",        // empty first suffix
                "8e39e2c50f3aab9g-SJC",         // non-hex
                "8e39e2c50f3aab97_SJC",         // wrong separator
                "8e39e2c50f3aab97-SJ\nC",       // control character (log forging)
                "8e39e2c50f3aab97-SJ\rC",
                "8e39e2c50f3aab97-SJ\u0000C",
                "8e39e2c50f3aab97-SJ C",
                "8e39e2c50f3aab97-S.C",
                "8e39e2c50f3aab97-ABCDEFGHI",   // suffix over 8 characters
                "8e39e2c50f3aab97-" + "A-".repeat(30) + "A", // over 64 characters
                "x; DROP TABLE rays",
                "8e39e2c50f3aab97-SJ\u00c9");
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedIsKeptButNeverTrusted(String header) {
        RayId r = RayId.parse(header);
        assertNotNull(r, "a present header is never null");
        assertFalse(r.valid(), header);
        assertNull(r.id(), header);
        assertNull(r.colo(), header);
        assertEquals(header, r.raw(), "the raw header is kept as received");
    }
}
