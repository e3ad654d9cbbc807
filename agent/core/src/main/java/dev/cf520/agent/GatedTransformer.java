package dev.cf520.agent;

import dev.cf520.detect.AgentErrors;
import dev.cf520.log.Logs;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The transformer registered at start-up: a set lookup on the class name, so the thousands of
 * classes an application loads never touch Byte Buddy. The hooked class names and Byte Buddy's
 * transformer are both prepared on a background thread while the application starts; until the
 * names are known only classes in the containers' packages wait, and only a hooked class waits
 * for Byte Buddy.
 */
final class GatedTransformer implements ClassFileTransformer {
    private static final long WAIT_SECONDS = 30;

    private final List<String> packages;
    private final CompletableFuture<Set<String>> internalNames;
    private final CompletableFuture<ClassFileTransformer> delegate;

    /**
     * @param packages      internal-name prefixes ({@code org/apache/coyote/}) of every hooked class
     * @param internalNames the hooked classes, once known
     */
    GatedTransformer(List<String> packages, CompletableFuture<Set<String>> internalNames,
            CompletableFuture<ClassFileTransformer> delegate) {
        this.packages = packages;
        this.internalNames = internalNames;
        this.delegate = delegate;
    }

    GatedTransformer(Set<String> internalNames, CompletableFuture<ClassFileTransformer> delegate) {
        this(List.of(""), CompletableFuture.completedFuture(internalNames), delegate);
    }

    private boolean hooked(String className) throws Exception {
        Set<String> names = internalNames.getNow(null);
        if (names == null) {
            if (!inPackages(className)) {
                return false;
            }
            names = internalNames.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        return names.contains(className);
    }

    private boolean inPackages(String className) {
        for (String p : packages) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
            ProtectionDomain domain, byte[] classfile) {
        try {
            if (className == null || !hooked(className)) {
                return null;
            }
        } catch (Throwable t) {
            return null; // the names could not be prepared: reported once where that failed
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
