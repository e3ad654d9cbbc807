package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hooked classes cached from one start to the next ({@code cf520.cache-dir}): the same origin started twice on
 * one cache directory. The first start inlines the advice with Byte Buddy (warm-up, and on Tomcat the deferral of its
 * early classes); the second takes every hooked class from the cache, without a warm-up, and detects the same
 * risks. Tomcat (whose early classes are deferred and retransformed, and must be cached under the bytes they load
 * with) and Jetty 12 (hooked as they load).
 */
class TransformCacheIT {
    private static final Pattern HOOKED = Pattern.compile("cf520 instrumented (\\S+) (in \\d+ ms|from the cache)");

    static Stream<OriginProcess.Runtime> runtimes() {
        return Stream.of(
                new OriginProcess.Runtime("tomcat-11/java-17/fat-jar", OriginProcess.java17(), "11", OriginProcess.Layout.FAT_JAR),
                new OriginProcess.Runtime("jetty-12/java-17/fat-jar", OriginProcess.java17(), "11",
                        OriginProcess.Layout.FAT_JAR).server("jetty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void aRestartTakesItsHookedClassesFromTheCache(OriginProcess.Runtime rt, @TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        List<String> first = start(rt, cache);
        Set<String> hookedFirst = hooked(first, "in \\d+ ms");
        assertFalse(hookedFirst.isEmpty(), "the first start inlines advice\n" + String.join("\n", first));
        assertTrue(first.stream().anyMatch(l -> l.contains("cf520 warm-up took")), "and warms Byte Buddy up");
        assertEquals(Set.of(), hooked(first, "from the cache"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));

        List<String> second = start(rt, cache);
        String ctx = "\nfirst start:\n" + String.join("\n", first) + "\nsecond start:\n" + String.join("\n", second);
        assertEquals(hookedFirst, hooked(second, "from the cache"), "every class hooked at the first start" + ctx);
        assertEquals(Set.of(), hooked(second, "in \\d+ ms"), "none inlined again" + ctx);
        assertFalse(second.stream().anyMatch(l -> l.contains("cf520 warm-up took")), "no warm-up" + ctx);
    }

    /** Starts the origin on this cache, checks a healthy and a risky exchange end to end, returns the agent's lines. */
    private static List<String> start(OriginProcess.Runtime rt, Path cache) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, String> props = new java.util.LinkedHashMap<>(OriginProcess.testSettings(receiver));
            props.put("cf520.cache-dir", cache.toString());
            props.put("cf520.log-level", "debug");
            try (OriginProcess origin = OriginProcess.start(rt, true, props)) {
                String healthy = CatalogContract.newRay();
                assertEquals(200, RawHttp.get(origin.port(), "/hello", CatalogContract.edgeHeaders(healthy), 5000).status());
                Span ok = receiver.awaitOneSpan(healthy, Duration.ofSeconds(10));
                assertFalse(OtlpReceiver.attr(ok.getAttributesList(), "cf520.reason").isPresent());
                String risky = CatalogContract.newRay();
                RawHttp.get(origin.port(), "/fault/exception-after-commit", CatalogContract.edgeHeaders(risky), 5000);
                Span bad = receiver.awaitOneSpan(risky, Duration.ofSeconds(10));
                assertEquals("exception_after_commit",
                        OtlpReceiver.attr(bad.getAttributesList(), "cf520.reason").get().getStringValue());
                return origin.agentLines();
            }
        }
    }

    private static Set<String> hooked(List<String> lines, String how) {
        return lines.stream().map(HOOKED::matcher).filter(Matcher::find).filter(m -> m.group(2).matches(how))
                .map(m -> m.group(1)).collect(Collectors.toCollection(TreeSet::new));
    }
}
