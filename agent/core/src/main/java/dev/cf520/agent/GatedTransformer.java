package dev.cf520.agent;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.Logs;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The transformer registered at start-up: a set lookup on the class name, so the thousands of
 * classes an application loads never touch Byte Buddy. Byte Buddy's transformer is built on a
 * background thread while the application starts; only a container class cf520 hooks waits for it.
 */
final class GatedTransformer implements ClassFileTransformer {
    private static final long WAIT_SECONDS = 30;

    private final Set<String> internalNames;
    private final CompletableFuture<ClassFileTransformer> delegate;
    /** Hooked classes transformed ahead of time on the background thread, by internal name. */
    private final Map<String, Precomputed> precomputed = new ConcurrentHashMap<>();
    /** Hooked classes the JVM has already asked for: no point precomputing those. */
    private final Set<String> asked = ConcurrentHashMap.newKeySet();

    /** A class file as the system class loader would load it, and what the delegate made of it. */
    static final class Precomputed {
        final byte[] original;
        final byte[] transformed;

        Precomputed(byte[] original, byte[] transformed) {
            this.original = original;
            this.transformed = transformed;
        }
    }

    GatedTransformer(Set<String> internalNames, CompletableFuture<ClassFileTransformer> delegate) {
        this.internalNames = internalNames;
        this.delegate = delegate;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
            ProtectionDomain domain, byte[] classfile) {
        if (className == null || !internalNames.contains(className)) {
            return null;
        }
        asked.add(className);
        Precomputed p = precomputed.remove(className);
        if (p != null && redefined == null && loader == ClassLoader.getSystemClassLoader()
                && Arrays.equals(p.original, classfile)) {
            // the same bytes from the same loader: the result the delegate produced ahead of time
            AgentState.instrumented(className.replace('/', '.'));
            Logs.get(GatedTransformer.class).debug("cf520 transformed {} ahead of time", className);
            return p.transformed;
        }
        try {
            long t0 = System.nanoTime();
            ClassFileTransformer t = delegate.get(WAIT_SECONDS, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            byte[] out = t.transform(module, loader, className, redefined, domain, classfile);
            Logs.get(GatedTransformer.class).debug("cf520 transformed {} in {} ms after waiting {} ms for Byte Buddy",
                    className, (System.nanoTime() - t1) / 1_000_000, (t1 - t0) / 1_000_000);
            return out;
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
            Logs.get(GatedTransformer.class).warn(Logs.URGENT, "cf520 could not instrument {}: {}",
                    className.replace('/', '.'), t.toString());
            return null;
        }
    }

    /** True while the class has not been asked for, so precomputing it may still pay off. */
    boolean stillAhead(String internalName) {
        return !asked.contains(internalName);
    }

    /**
     * Offers a transformation made ahead of time for a class loaded by the system class loader:
     * used only if the JVM then presents exactly these bytes from that loader.
     */
    void precomputed(String internalName, byte[] original, byte[] transformed) {
        if (stillAhead(internalName)) {
            precomputed.put(internalName, new Precomputed(original, transformed));
        }
    }

    Set<String> internalNames() {
        return internalNames;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] classfile) {
        return transform(null, loader, className, redefined, domain, classfile);
    }
}
