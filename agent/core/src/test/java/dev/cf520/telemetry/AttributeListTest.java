package dev.cf520.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeListTest {
    @Test
    void theSameKeyReplacesItsValueAndNullsAreLeftOut() {
        AttributeList a = new AttributeList(Integer.MAX_VALUE).put(SpanAttributes.URL_PATH, "/a")
                .put(SpanAttributes.URL_SCHEME, null).put(SpanAttributes.URL_PATH, "/b");
        assertEquals(1, a.size());
        assertEquals("/b", a.get(SpanAttributes.URL_PATH));
        assertNull(a.get(SpanAttributes.URL_SCHEME));
    }

    @Test
    void anEqualKeyOfAnotherOriginIsFoundAndReplacedNotAddedTwice() {
        AttributeKey<String> same = AttributeKey.stringKey(SpanAttributes.URL_PATH.getKey());
        AttributeList a = new AttributeList(Integer.MAX_VALUE).put(SpanAttributes.URL_PATH, "/a");
        assertEquals("/a", a.get(same));
        a.putForeign(same, "/b");
        assertEquals(1, a.size());
        assertEquals(Attributes.of(SpanAttributes.URL_PATH, "/b").asMap(), a.asMap());
    }

    @Test
    void growsPastItsFirstArraysInOrder() {
        AttributeList a = new AttributeList(Integer.MAX_VALUE);
        for (int i = 0; i < 40; i++) {
            a.put(AttributeKey.longKey("k" + i), (long) i);
        }
        assertEquals(40, a.size());
        long[] seen = {0};
        a.forEach((k, v) -> assertEquals("k" + seen[0]++, k.getKey()));
        assertEquals(39L, a.get(AttributeKey.longKey("k39")));
    }

    @Test
    void stringValuesAreCutToTheLengthLimit() {
        AttributeList a = new AttributeList(3).put(SpanAttributes.USER_AGENT_ORIGINAL, "curl/8")
                .put(SpanAttributes.CF_RAY_HEADER, List.of("abcdef")).put(SpanAttributes.SERVER_PORT, 8443L);
        assertEquals("cur", a.get(SpanAttributes.USER_AGENT_ORIGINAL));
        assertEquals(List.of("abc"), a.get(SpanAttributes.CF_RAY_HEADER));
        assertEquals(8443L, a.get(SpanAttributes.SERVER_PORT));
    }
}
