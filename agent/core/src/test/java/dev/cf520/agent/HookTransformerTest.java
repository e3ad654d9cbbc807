package dev.cf520.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.LogCapture;
import dev.cf520.log.Logs;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookTransformerTest {
    private static final String TARGET = WarmUp.Target.class.getName();
    private static final String INTERNAL = TARGET.replace('.', '/');

    private static HookTransformer transformer(ContainerInstrumentation.Hook hook) {
        return transformer(hook, true);
    }

    private static HookTransformer transformer(ContainerInstrumentation.Hook hook, boolean mayWait) {
        return transformer(hook, mayWait, null);
    }

    private static HookTransformer transformer(ContainerInstrumentation.Hook hook, boolean mayWait, TransformCache cache) {
        return new HookTransformer(List.of(new ContainerInstrumentation() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public List<Hook> hooks() {
                return List.of(hook);
            }

            @Override
            public boolean hooksMayWaitForWarmUp() {
                return mayWait;
            }
        }), cache);
    }

    private static ContainerInstrumentation.Hook hook(net.bytebuddy.matcher.ElementMatcher<
            ? super net.bytebuddy.description.type.TypeDescription> gate) {
        return new ContainerInstrumentation.Hook(TARGET, gate, ElementMatchers.named("run"),
                WarmUp.TargetAdvice.class.getName());
    }

    private static byte[] classfile() throws Exception {
        try (InputStream in = HookTransformerTest.class.getResourceAsStream("/" + INTERNAL + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void otherClassesAreLeftAlone() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()));
        assertNull(t.transform(null, getClass().getClassLoader(), "com/example/App", null, null, classfile()));
        assertNull(t.transform(null, getClass().getClassLoader(), null, null, null, classfile()));
    }

    @Test
    void aHookedClassGetsItsAdviceInlined() throws Exception {
        byte[] in = classfile();
        byte[] out = transformer(hook(ElementMatchers.any())).transform(null, getClass().getClassLoader(), INTERNAL,
                null, null, in);
        assertNotNull(out);
        assertTrue(out.length > in.length, "advice inlined: " + in.length + " -> " + out.length);
        assertTrue(System.getProperty(AgentState.PROPERTY).contains(TARGET));
    }

    @Test
    void aClassFailingTheVersionGateIsLeftAlone() throws Exception {
        assertNull(transformer(hook(ElementMatchers.none())).transform(null, getClass().getClassLoader(), INTERNAL,
                null, null, classfile()));
    }

    @Test
    void aFailureLeavesTheClassUntouchedAndIsCounted() {
        long before = AgentErrors.count();
        try (LogCapture log = LogCapture.start()) {
            assertNull(transformer(hook(ElementMatchers.any())).transform(getClass().getClassLoader(), INTERNAL,
                    null, null, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE}));
            assertEquals(before + 1, AgentErrors.count());
            assertEquals(1, log.linesContaining("cf520 could not instrument " + TARGET).size());
        }
    }

    @Test
    void warmUpRunsWithoutInstrumentingAnything() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()));
        WarmUp.run(t);
    }

    /** An Instrumentation that knows the given loaded classes and hands each retransformation to {@code onRetransform}. */
    private static Instrumentation instrumentation(Class<?>[] loaded, java.util.function.Consumer<Class<?>> onRetransform) {
        return (Instrumentation) Proxy.newProxyInstance(HookTransformerTest.class.getClassLoader(),
                new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAllLoadedClasses":
                            return loaded;
                        case "retransformClasses":
                            for (Object c : (Object[]) args[0]) {
                                onRetransform.accept((Class<?>) c);
                            }
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    @Test
    void aHookedClassLoadingDuringTheWarmUpIsLeftAloneThenRetransformedWithItsHooks() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()));
        t.deferWhileWarming();
        ClassLoader loader = getClass().getClassLoader();
        assertNull(t.transform(null, loader, INTERNAL, null, null, classfile()), "deferred: loads untouched");
        List<byte[]> retransformed = new ArrayList<>();
        t.catchUp(instrumentation(new Class<?>[] {String.class, WarmUp.Target.class}, c -> {
            assertEquals(WarmUp.Target.class, c);
            try {
                retransformed.add(t.transform(null, loader, INTERNAL, c, null, classfile()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }));
        assertEquals(1, retransformed.size(), "the deferred class, and only it, is retransformed");
        assertNotNull(retransformed.get(0), "with its advice");
        assertNotNull(t.transform(null, loader, INTERNAL, null, null, classfile()), "after the catch-up: at load");
    }

    @Test
    void aDeferredClassThatNeverShowsUpIsReportedOnce() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()));
        t.deferWhileWarming();
        assertNull(t.transform(null, getClass().getClassLoader(), INTERNAL, null, null, classfile()));
        try (LogCapture log = LogCapture.start()) {
            t.catchUp(instrumentation(new Class<?>[0], c -> {
                throw new AssertionError("nothing to retransform");
            }));
            assertEquals(1, log.linesContaining("cf520 could not find " + TARGET + " to instrument it").size());
        }
    }

    @Test
    void aHookedClassArrivingAfterTheWarmUpWaitsUntilTheDeferredOnesAreHooked() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()));
        t.deferWhileWarming();
        ClassLoader loader = getClass().getClassLoader();
        byte[] bytes = classfile();
        assertNull(t.transform(null, loader, INTERNAL, null, null, bytes));
        CountDownLatch retransforming = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean caughtUp = new AtomicBoolean();
        Thread catchUp = new Thread(() -> t.catchUp(instrumentation(new Class<?>[] {WarmUp.Target.class}, c -> {
            retransforming.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            caughtUp.set(true);
        })));
        catchUp.start();
        assertTrue(retransforming.await(10, TimeUnit.SECONDS));
        // the catch-up is under way (warming is over): a class loading now must not be defined before it ends
        AtomicReference<Boolean> caughtUpWhenDone = new AtomicReference<>();
        Thread later = new Thread(() -> {
            t.transform(null, loader, INTERNAL, null, null, bytes);
            caughtUpWhenDone.set(caughtUp.get());
        });
        later.start();
        later.join(300);
        release.countDown();
        later.join(10_000);
        catchUp.join(10_000);
        assertEquals(Boolean.TRUE, caughtUpWhenDone.get(), "the later class waited for the catch-up");
    }

    @Test
    void aWarmUpThatNeverEndsDefersNothingPastItsWindow() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()));
        t.deferWhileWarming(TimeUnit.MILLISECONDS.toNanos(200));
        ClassLoader loader = getClass().getClassLoader();
        assertNull(t.transform(null, loader, INTERNAL, null, null, classfile()), "deferred within the window");
        Thread.sleep(250);
        assertNotNull(t.transform(null, loader, INTERNAL, null, null, classfile()), "past it: hooked at load");
    }

    @Test
    void aLineThatMustNotWaitIsHookedAtLoadEvenDuringTheWarmUp() throws Exception {
        HookTransformer t = transformer(hook(ElementMatchers.any()), false);
        t.deferWhileWarming();
        assertNotNull(t.transform(null, getClass().getClassLoader(), INTERNAL, null, null, classfile()));
    }

    private static TransformCache cache(Path dir) throws IOException {
        Path jar = Files.createDirectories(dir).resolve("cf520-agent.jar");
        if (!Files.exists(jar)) {
            Files.write(jar, new byte[] {1});
        }
        return TransformCache.open(dir.resolve("cache"), jar);
    }

    @Test
    void aClassHookedAtOneStartIsTakenFromTheCacheAtTheNext(@TempDir Path dir) throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        byte[] hooked = transformer(hook(ElementMatchers.any()), true, cache(dir)).transform(null, loader, INTERNAL,
                null, null, classfile());
        assertNotNull(hooked);
        TransformCache next = cache(dir);
        assertTrue(next.warm());
        Logs.configure("debug", 1000);
        try (LogCapture log = LogCapture.start()) {
            HookTransformer t = transformer(hook(ElementMatchers.any()), true, next);
            assertArrayEquals(hooked, t.transform(null, loader, INTERNAL, null, null, classfile()));
            assertEquals(1, log.linesContaining("cf520 instrumented " + TARGET + " from the cache").size());
        } finally {
            Logs.configure("info", 120);
        }
    }

    @Test
    void aDeferredClassIsCachedUnderTheBytesItLoadedWith(@TempDir Path dir) throws Exception {
        TransformCache cache = cache(dir);
        HookTransformer t = transformer(hook(ElementMatchers.any()), true, cache);
        t.deferWhileWarming();
        ClassLoader loader = getClass().getClassLoader();
        byte[] loaded = classfile();
        assertNull(t.transform(null, loader, INTERNAL, null, null, loaded));
        // a retransformation hands over the class as the JVM reconstitutes it, which need not be the bytes it loaded
        byte[] reconstituted = java.util.Arrays.copyOf(loaded, loaded.length + 1);
        AtomicReference<byte[]> hooked = new AtomicReference<>();
        t.catchUp(instrumentation(new Class<?>[] {WarmUp.Target.class}, c -> {
            try {
                hooked.set(t.transform(null, loader, INTERNAL, c, null, reconstituted));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }));
        assertNotNull(hooked.get());
        assertArrayEquals(hooked.get(), cache.get(INTERNAL, loaded), "what the next start loads");
        assertNull(cache.get(INTERNAL, reconstituted));
    }

    @Test
    void aWarmCacheNeedsNoWarmUp(@TempDir Path dir) throws Exception {
        transformer(hook(ElementMatchers.any()), true, cache(dir)).transform(null, getClass().getClassLoader(),
                INTERNAL, null, null, classfile());
        Instrumentation inst = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> null);
        assertFalse(new Instrumenter().installAtStart(inst, List.of(), cache(dir)).deferring(),
                "warm: nothing deferred, no warm-up");
        assertTrue(new Instrumenter().installAtStart(inst, List.of(), cache(dir.resolve("other"))).deferring(),
                "cold: deferred while Byte Buddy warms up");
    }
}
