package dev.cf520.agent;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.Logs;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 */
final class HookTransformer implements ClassFileTransformer {
    private static final Logger LOG = Logs.get(HookTransformer.class);

    private final Map<String, List<ContainerInstrumentation.Hook>> hooks = new HashMap<>();
    // made at the first hooked class (or by WarmUp), not in premain: Byte Buddy's own start-up is costly
    private volatile Tools tools;

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
        for (ContainerInstrumentation c : containers) {
            for (ContainerInstrumentation.Hook h : c.hooks()) {
                hooks.computeIfAbsent(h.typeName.replace('.', '/'), n -> new ArrayList<>()).add(h);
            }
        }
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
            ProtectionDomain domain, byte[] classfile) {
        List<ContainerInstrumentation.Hook> hs = className == null ? null : hooks.get(className);
        if (hs == null) {
            return null;
        }
        String name = className.replace('/', '.');
        try {
            long t0 = System.nanoTime();
            byte[] out = apply(name, hs, loader, classfile);
            if (out != null) {
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
