package dev.cf520.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void nullStaysNull() {
        assertNull(Text.sanitize(null));
        assertNull(Text.sanitize(null, 10));
    }

    @Test
    void plainTextIsUnchanged() {
        String s = "GET /api/v1/items?id=42 — ünïcödé";
        assertSame(s, Text.sanitize(s));
    }

    @Test
    void crLfAreEscapedSoNoLineCanBeForged() {
        String out = Text.sanitize("ok\r\ncf520 520-risk ray=- reason=no_response GET /forged");
        assertEquals("ok\\r\\ncf520 520-risk ray=- reason=no_response GET /forged", out);
        assertFalse(out.contains("\n"));
        assertFalse(out.contains("\r"));
    }

    @Test
    void otherControlCharactersAreEscaped() {
        assertEquals("a\\tb", Text.sanitize("a\tb"));
        assertEquals("a\\x00b", Text.sanitize("a\u0000b"));
        assertEquals("a\\x1b[31mred", Text.sanitize("a\u001b[31mred"));
        assertEquals("a\\x7fb", Text.sanitize("a\u007fb"));
        assertEquals("a\\x85b", Text.sanitize("a\u0085b"), "C1 control NEL");
        assertEquals("a\\x9fb", Text.sanitize("a\u009fb"));
        assertEquals("a\u00a0b", Text.sanitize("a\u00a0b"), "no-break space is printable");
    }

    @Test
    void backslashIsEscapedSoEscapesAreUnambiguous() {
        assertEquals("a\\\\nb", Text.sanitize("a\\nb"));
        assertEquals("\\\\r\\r", Text.sanitize("\\r\r"));
    }

    @Test
    void exactlyTheLimitIsKept() {
        String s = "a".repeat(Text.MAX_ATTRIBUTE_CHARS);
        assertEquals(s, Text.sanitize(s));
        assertEquals(256, Text.MAX_ATTRIBUTE_CHARS);
    }

    @Test
    void longTextIsCappedWithEllipsis() {
        String out = Text.sanitize("a".repeat(257));
        assertEquals(256, out.length());
        assertTrue(out.endsWith("..."));
        assertEquals("a".repeat(253) + "...", out);
        assertEquals(256, Text.sanitize("b".repeat(100_000)).length());
    }

    @Test
    void escapingCountsTowardsTheCap() {
        String out = Text.sanitize("\n".repeat(1000));
        assertEquals(256, out.length());
        assertFalse(out.contains("\n"));
        assertTrue(out.endsWith("..."));
        assertTrue(out.startsWith("\\n\\n"));
    }

    @Test
    void customCap() {
        assertEquals("abcdefghijklm...", Text.sanitize("abcdefghijklmnopqrstuvwxyz", 16));
        assertEquals("abc", Text.sanitize("abc", 16));
    }

    @Test
    void countGroupsThousands() {
        assertEquals("0", Text.count(0));
        assertEquals("412", Text.count(412));
        assertEquals("10,000", Text.count(10_000));
        assertEquals("131,072", Text.count(131_072));
        assertEquals("1,234,567,890", Text.count(1_234_567_890L));
    }
}
