package dev.cf520.agent;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.Logs;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;
import org.slf4j.Logger;

/**
 * The transformer registered at start-up (-javaagent), in place of Byte Buddy's AgentBuilder: a map lookup on the
 * class name, so the thousands of classes an application loads never touch Byte Buddy, and for a hooked class
 * Byte Buddy's core API alone (decorate + Advice, as HookCheck does in the tests). Why not AgentBuilder: its
 * transformer is itself a class Byte Buddy generates at run time, and it redefines types through the method graph;
 * without them the demo loads 760 Byte Buddy classes instead of 1,140 and its first request is served about
 * 400 ms sooner (bench/startup.sh). Attach keeps AgentBuilder: it needs retransformation.
 *
 * <p>While Byte Buddy warms up on the background thread (about 0.3 s of CPU: ~750 of its classes loaded and run
 * for the first time), a hooked class of a line that allows it ({@link ContainerInstrumentation#hooksMayWaitForWarmUp},
 * Tomcat) is not waited for: it loads untouched and is retransformed with its hooks as soon as the warm-up is done
 * ({@link #catchUp}). Tomcat loads its protocol, connection handler and wrapper valve that early, long before it
 * serves; the demo's main thread used to wait ~200 ms at the first of them. The first hooked class that arrives
 * after the warm-up waits for that catch-up instead, so the classes a request runs through are all hooked before it
 * can be served (Tomcat loads Http11Processor and its output buffer only for the first request). Both end
 * {@link #MAX_DEFER_NANOS} after the start at the latest: a warm-up thread that never gets to run costs the hooks'
 * head start, never the hooks.
 *
 * <p>With a {@link TransformCache} that an earlier start of the same agent jar filled, a hooked class whose bytes it
 * knows gets its hooked bytes from there, and Byte Buddy is not used at all: there is no warm-up and no deferral
 * (a class it does not know, after a container upgrade say, is hooked as it loads, Byte Buddy's start-up on that
 * thread, and cached for the next start).
 */
final class HookTransformer implements ClassFileTransformer {
    private static final Logger LOG = Logs.get(HookTransformer.class);

    private final Map<String, List<ContainerInstrumentation.Hook>> hooks = new HashMap<>();
    // made at the first hooked class (or by WarmUp), not in premain: Byte Buddy's own start-up is costly
    private volatile Tools tools;
    private volatile boolean warming;
    private volatile long deferSince;
    private volatile long deferWindow = MAX_DEFER_NANOS;
    /** A warm-up that never ends (a starved or failed background thread) must not leave classes unhooked. */
    static final long MAX_DEFER_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Hooked classes (internal names) whose container line allows them to wait for the warm-up. */
    private final Set<String> deferrable = new HashSet<>();
    /** Hooked classes (internal names) that loaded untouched while Byte Buddy warmed up. */
    private final Set<String> deferred = ConcurrentHashMap.newKeySet();
    /** Hooked class files of an earlier start, or null. */
    private final TransformCache cache;
    /**
     * The bytes each deferred class loaded with, by loader and name (one class each): its catch-up's hooked bytes
     * are cached under them, since that is what the class loads with at the next start.
     */
    private final Map<List<Object>, byte[]> deferredBytes = new ConcurrentHashMap<>();
    /** Open (count 0) unless a deferral started and its catch-up has not ended. */
    private volatile CountDownLatch caughtUp = new CountDownLatch(0);

    /** Byte Buddy's part, stateless: shared by the threads that load hooked classes. */
    private static final class Tools {
        final ClassFileLocator agentClasses = ClassFileLocator.ForClassLoader.of(HookTransformer.class.getClassLoader());
        // decorate, not redefine: advice only rewrites method bodies, so no method graph, no class format change
        final ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED)
                .with(Implementation.Context.Disabled.Factory.INSTANCE);
        final Advice.ExceptionHandler countSuppressed;

        Tools() throws NoSuchMethodException {
            countSuppressed = Instrumenter.countSuppressed();
        }
    }

    HookTransformer(List<ContainerInstrumentation> containers) {
        this(containers, null);
    }

    HookTransformer(List<ContainerInstrumentation> containers, TransformCache cache) {
        this.cache = cache;
        Set<String> mustNotWait = new HashSet<>();
        for (ContainerInstrumentation c : containers) {
            for (ContainerInstrumentation.Hook h : c.hooks()) {
                String internal = h.typeName.replace('.', '/');
                hooks.computeIfAbsent(internal, n -> new ArrayList<>()).add(h);
                (c.hooksMayWaitForWarmUp() ? deferrable : mustNotWait).add(internal);
            }
        }
        deferrable.removeAll(mustNotWait); // a class name two lines share defers only if both allow it
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
            ProtectionDomain domain, byte[] classfile) {
        List<ContainerInstrumentation.Hook> hs = className == null ? null : hooks.get(className);
        if (hs == null) {
            return null;
        }
        String name = className.replace('/', '.');
        byte[] cached = cache == null ? null : cache.get(className, classfile);
        if (cached != null) {
            if (redefined == null) {
                awaitCatchUp();
            }
            AgentState.instrumented(name);
            LOG.debug("cf520 instrumented {} from the cache", name);
            return cached;
        }
        if (redefined == null && warming && deferrable.contains(className)
                && System.nanoTime() - deferSince < deferWindow) {
            deferred.add(className);
            if (cache != null) {
                deferredBytes.put(Arrays.asList(loader, className), classfile);
            }
            LOG.debug("cf520 defers {} until Byte Buddy is warm", name);
            return null;
        }
        if (redefined == null) {
            awaitCatchUp();
        }
        try {
            long t0 = System.nanoTime();
            byte[] out = apply(name, hs, loader, classfile);
            byte[] loadedWith = redefined == null ? classfile
                    : cache == null ? null : deferredBytes.remove(Arrays.asList(loader, className));
            if (out != null) {
                if (cache != null && loadedWith != null) {
                    cache.put(className, loadedWith, out);
                }
                AgentState.instrumented(name);
                LOG.debug("cf520 instrumented {} in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
            }
            return out;
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
            LOG.warn(Logs.URGENT, "cf520 could not instrument {}: {}; that hook stays off", name, t.toString());
            return null;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] classfile) {
        return transform(null, loader, className, redefined, domain, classfile);
    }

    /** True from {@link #deferWhileWarming} until {@link #catchUp}. */
    boolean deferring() {
        return warming;
    }

    /** From now until {@link #catchUp}, hooked classes load untouched. */
    void deferWhileWarming() {
        deferWhileWarming(MAX_DEFER_NANOS);
    }

    /** As {@link #deferWhileWarming()}, for at most {@code maxNanos}. */
    void deferWhileWarming(long maxNanos) {
        deferWindow = maxNanos;
        deferSince = System.nanoTime();
        caughtUp = new CountDownLatch(1);
        warming = true;
    }

    /**
     * Ends the deferral: every hooked class that loaded meanwhile is retransformed with its hooks (one at a time:
     * each retransformation is a short stop of the JVM). A class whose loading was deferred but not yet finished
     * when this looks is looked for again, briefly.
     */
    void catchUp(Instrumentation inst) {
        warming = false;
        try {
            for (int attempt = 0; !deferred.isEmpty() && attempt < 50; attempt++) {
                if (attempt > 0) {
                    Thread.sleep(10);
                }
                for (Class<?> c : inst.getAllLoadedClasses()) {
                    String internal = c.getName().replace('.', '/');
                    if (deferred.contains(internal)) {
                        retransform(inst, c);
                        deferred.remove(internal); // every class of that name loaded so far was retransformed
                    }
                }
            }
            for (String missing : deferred) {
                LOG.warn(Logs.URGENT, "cf520 could not find {} to instrument it; that hook stays off",
                        missing.replace('/', '.'));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deferredBytes.clear();
            caughtUp.countDown();
        }
    }

    private static void retransform(Instrumentation inst, Class<?> c) {
        try {
            inst.retransformClasses(c);
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
            LOG.warn(Logs.URGENT, "cf520 could not instrument {}: {}; that hook stays off", c.getName(), t.toString());
        }
    }

    /** Waits for a catch-up under way, never past the end of the deferral window. */
    private void awaitCatchUp() {
        CountDownLatch latch = caughtUp;
        if (latch.getCount() == 0) {
            return;
        }
        long left = deferWindow - (System.nanoTime() - deferSince);
        try {
            if (left <= 0 || !latch.await(left, TimeUnit.NANOSECONDS)) {
                LOG.debug("cf520 went on before the deferred classes were instrumented");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The class with every hook whose version gate it passes inlined, or null when none does. */
    byte[] apply(String name, List<ContainerInstrumentation.Hook> hs, ClassLoader loader, byte[] classfile)
            throws NoSuchMethodException {
        Tools tools = this.tools;
        if (tools == null) {
            tools = new Tools(); // two threads may both make one: harmless
            this.tools = tools;
        }
        // what AgentBuilder's POOL_ONLY + PoolStrategy.Default.FAST did: the class from its own bytes, the
        // types it names from its loader, lazily, without loading any of them
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classfile),
                loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
                TypePool.Default.ReaderMode.FAST);
        TypeDescription type = pool.describe(name).resolve();
        // advice is read from the agent's jar; the container types it names from the container's loader
        ClassFileLocator adviceLocator = new ClassFileLocator.Compound(tools.agentClasses, locator);
        TypePool advicePool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(),
                adviceLocator, TypePool.Default.ReaderMode.FAST);
        AsmVisitorWrapper.ForDeclaredMethods methods = new AsmVisitorWrapper.ForDeclaredMethods();
        boolean any = false;
        for (ContainerInstrumentation.Hook h : hs) {
            if (h.versionGate.matches(type)) {
                methods = methods.invokable(h.method, Advice.to(advicePool.describe(h.adviceClass).resolve(), adviceLocator)
                        .withExceptionHandler(tools.countSuppressed));
                any = true;
            }
        }
        return any ? tools.byteBuddy.decorate(type, locator).visit(methods).make(pool).getBytes() : null;
    }
}
