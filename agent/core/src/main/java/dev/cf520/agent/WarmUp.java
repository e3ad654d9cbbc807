package dev.cf520.agent;

import java.io.InputStream;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Inlines advice into a class of the agent's own, result thrown away, on a background thread at start-up: the
 * first hooked container class then finds Byte Buddy's classes (about 750: type pool, advice, ASM) loaded and
 * initialised, instead of loading them on the application's main thread while it waits. Nothing waits for this.
 * The advice binds the same kinds of values the container hooks do, so the same Byte Buddy classes get loaded.
 */
final class WarmUp {
    private WarmUp() {
    }

    static void run(HookTransformer transformer) throws Exception {
        String target = Target.class.getName();
        byte[] classfile;
        try (InputStream in = WarmUp.class.getResourceAsStream("/" + target.replace('.', '/') + ".class")) {
            classfile = in.readAllBytes();
        }
        transformer.apply(target, List.of(new ContainerInstrumentation.Hook(target,
                ElementMatchers.isMethod().and(ElementMatchers.named("run")), TargetAdvice.class.getName())),
                WarmUp.class.getClassLoader(), classfile);
    }

    /** Never loaded by the warm-up: read as bytes. */
    static final class Target {
        private int calls;

        String run(String in) {
            calls++;
            return in;
        }
    }

    /** Never loaded: read as bytes and inlined into Target's bytes. */
    static final class TargetAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter(@Advice.This Object self, @Advice.Argument(0) String in, @Advice.FieldValue("calls") int calls,
                @Advice.Local("seen") String seen, @Advice.Origin String origin) {
            seen = in;
            return calls;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter int before, @Advice.Return String out, @Advice.Thrown Throwable thrown,
                @Advice.Local("seen") String seen) {
            if (thrown != null && before < 0 && out == seen) {
                throw new IllegalStateException();
            }
        }
    }
}
