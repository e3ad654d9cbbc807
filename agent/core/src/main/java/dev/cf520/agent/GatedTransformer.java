package dev.cf520.agent;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.Logs;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
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

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] classfile) {
        return transform(null, loader, className, redefined, domain, classfile);
    }
}
