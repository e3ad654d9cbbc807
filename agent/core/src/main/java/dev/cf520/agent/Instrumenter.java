package dev.cf520.agent;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.Logs;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;

/** Installs every container's hooks with Byte Buddy, at start-up or on a running JVM. */
final class Instrumenter {
    private static final Logger LOG = Logs.get(Instrumenter.class);

    static final int RETRANSFORM_BATCH = 2;
    static final long RETRANSFORM_PAUSE_MILLIS = 20;

    /** On a running JVM: the container's classes are already loaded and are retransformed. */
    void installAttached(Instrumentation inst, List<ContainerInstrumentation> containers) throws NoSuchMethodException {
        builder(containers).installOn(inst);
    }

    /**
     * At start-up: nothing of interest is loaded yet; see {@link HookTransformer}. Hooked classes that load while
     * Byte Buddy warms up are deferred, hence a transformer that can retransform.
     */
    HookTransformer installAtStart(Instrumentation inst, List<ContainerInstrumentation> containers, TransformCache cache) {
        HookTransformer t = new HookTransformer(containers, cache);
        if (cache == null || !cache.warm()) {
            t.deferWhileWarming();
        }
        inst.addTransformer(t, true);
        return t;
    }

    /** A throwable in advice goes to AgentErrors.suppressed (a neutral class the container can see), never to the host. */
    static Advice.ExceptionHandler countSuppressed() throws NoSuchMethodException {
        return new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(
                new MethodDescription.ForLoadedMethod(AgentErrors.class.getMethod("suppressed", Throwable.class))));
    }

    private AgentBuilder builder(List<ContainerInstrumentation> containers) throws NoSuchMethodException {
        Advice.ExceptionHandler countSuppressed = countSuppressed();
        // AgentBuilder.Default's constructor prepares Byte Buddy's Nexus (self-injection into the system class
        // loader through sun.misc.Unsafe), which Java 24+ reports on the host's stderr. disableClassFormatChanges()
        // below replaces that strategy, so the Nexus is never used: keep it off. The shade plugin relocates this
        // key with Byte Buddy, so it only reaches the agent's own copy.
        if (System.getProperty("net.bytebuddy.nexus.disabled") == null) {
            System.setProperty("net.bytebuddy.nexus.disabled", "true");
        }
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                // retransformation stops the world for each batch: small batches with pauses between them,
                // so no request stalls for long
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(RETRANSFORM_BATCH))
                .with(AgentBuilder.RedefinitionStrategy.Listener.Pausing.of(RETRANSFORM_PAUSE_MILLIS,
                        java.util.concurrent.TimeUnit.MILLISECONDS))
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(new Listener())
                .ignore(ElementMatchers.nameStartsWith("dev.cf520.")
                        .or(ElementMatchers.nameStartsWith("java."))
                        .or(ElementMatchers.nameStartsWith("jdk."))
                        .or(ElementMatchers.nameStartsWith("sun."))
                        .or(ElementMatchers.nameStartsWith("com.sun."))
                        .or(ElementMatchers.nameStartsWith("net.bytebuddy.")));
        ClassLoader agentLoader = Instrumenter.class.getClassLoader();
        for (ContainerInstrumentation c : containers) {
            for (ContainerInstrumentation.Hook h : c.hooks()) {
                builder = builder.type(ElementMatchers.named(h.typeName).and(h.versionGate)).transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .withExceptionHandler(countSuppressed)
                        .advice(h.method, h.adviceClass));
            }
        }
        return builder;
    }

    private final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            AgentState.instrumented(type.getName());
            LOG.debug("cf520 instrumented {}", type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            AgentErrors.suppressed(t);
            LOG.warn(Logs.URGENT, "cf520 could not instrument {}: {}; that hook stays off", typeName, t.toString());
        }
    }
}
