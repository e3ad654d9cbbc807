package dev.cf520.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * Checks a container module's hooks against one container line's jars, without running it: whether a
 * hooked class exists there and passes its version gate, and whether the advice really applies (Byte
 * Buddy binds every {@code @FieldValue}, {@code @Argument} and {@code @This} when it inlines the advice,
 * so a field or signature the line lacks fails here). Shared with the container modules as a test-jar.
 */
public final class HookCheck {
    private final String line;
    private final ClassFileLocator containerOnly;
    private final ClassFileLocator withAdvice;
    private final TypePool pool;

    private HookCheck(String line, List<Path> jars) throws IOException {
        this.line = line;
        List<ClassFileLocator> locators = new ArrayList<>();
        for (Path jar : jars) {
            locators.add(ClassFileLocator.ForJarFile.of(jar.toFile()));
        }
        locators.add(ClassFileLocator.ForClassLoader.ofPlatformLoader());
        this.containerOnly = new ClassFileLocator.Compound(locators);
        // the advice classes and dev.cf520.detect come from the test class path, after the container's jars
        this.withAdvice = new ClassFileLocator.Compound(containerOnly, ClassFileLocator.ForClassLoader.ofSystemLoader());
        this.pool = TypePool.Default.of(withAdvice);
    }

    /** The jars of one container line, e.g. a directory the build copied them to. */
    public static HookCheck ofDirectory(String line, Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
            if (jars.isEmpty()) {
                throw new IllegalStateException("no jars in " + dir);
            }
            return new HookCheck(line, jars);
        }
    }

    /** The given jars of one container line, e.g. those of the test class path. */
    public static HookCheck ofJars(String line, List<Path> jars) throws IOException {
        if (jars.isEmpty()) {
            throw new IllegalStateException("no jars for " + line);
        }
        return new HookCheck(line, jars);
    }

    /**
     * The type name of the field {@code type} declares under {@code name} in this line, or null: for advice that
     * reads a private field by reflection, where Byte Buddy's binding proves nothing.
     */
    public String declaredFieldType(String type, String name) {
        TypePool.Resolution r = pool.describe(type);
        if (!r.isResolved()) {
            return null;
        }
        return r.resolve().getDeclaredFields().filter(ElementMatchers.named(name)).stream()
                .map(f -> f.getType().asErasure().getName()).findFirst().orElse(null);
    }

    /** The hook's class exists in this line and passes the hook's version gate. */
    public boolean applies(ContainerInstrumentation.Hook hook) throws IOException {
        if (!containerOnly.locate(hook.typeName).isResolved()) {
            return false;
        }
        return hook.versionGate.matches(pool.describe(hook.typeName).resolve());
    }

    /**
     * Inlines the hook's advice into its class as the agent would and returns how many methods it went
     * into; throws when the advice cannot bind to this line's class.
     */
    public int inline(ContainerInstrumentation.Hook hook) {
        TypeDescription type = pool.describe(hook.typeName).resolve();
        int methods = type.getDeclaredMethods().filter(hook.method).size();
        new ByteBuddy().redefine(type, withAdvice)
                .visit(Advice.to(pool.describe(hook.adviceClass).resolve(), withAdvice).on(hook.method))
                .make(TypeResolutionStrategy.Passive.INSTANCE, pool);
        return methods;
    }

    /**
     * Every hook applies to this line and inlines into at least one method: how many methods each went into,
     * in order (compare with another line); throws naming the first hook that does not.
     */
    public List<Integer> inlineAll(List<ContainerInstrumentation.Hook> hooks) throws IOException {
        List<Integer> methods = new ArrayList<>();
        for (ContainerInstrumentation.Hook h : hooks) {
            int n = applies(h) ? inline(h) : 0;
            if (n == 0) {
                throw new AssertionError(line + ": " + describe(h));
            }
            methods.add(n);
        }
        return methods;
    }

    public static String describe(ContainerInstrumentation.Hook hook) {
        return hook.typeName + " <- " + hook.adviceClass;
    }

    @Override
    public String toString() {
        return line;
    }
}
