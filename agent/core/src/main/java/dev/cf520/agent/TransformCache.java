package dev.cf520.agent;

import dev.cf520.detect.AgentErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hooked class files of earlier starts, so that a restart of the same origin with the same agent jar inlines no
 * advice: Byte Buddy's first use alone costs about 0.3 s of CPU at start-up, and each hooked class 5-40 ms more.
 * One directory per agent jar (its size and modification time: a rebuilt or replaced jar starts a new one), one
 * file per class, named by the SHA-256 of the class's name and its bytes as the JVM loads them, holding the hooked
 * bytes after their own SHA-256 (a torn or altered file is a miss, never a class the JVM would reject).
 * <p>
 * Bytes read from here are loaded into the host's classes, so the directory must be the JVM user's own and
 * writable by nobody else (POSIX owner and permissions checked when opened; created 0700); otherwise, or where
 * the file system cannot say, there is no cache and every start inlines the advice as before. Every I/O failure
 * turns the cache off for the rest of the run.
 */
final class TransformCache {
    private static final byte[] MAGIC = "cf520tc1".getBytes(StandardCharsets.US_ASCII);
    private static final int HASH = 32;
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final AtomicLong SCRATCH = new AtomicLong();

    private final Path dir;
    private final boolean warm;
    private volatile boolean broken;

    private TransformCache(Path dir, boolean warm) {
        this.dir = dir;
        this.warm = warm;
    }

    /**
     * The cache for this agent jar under {@code root}, or null when {@code root} is null or unsafe or the
     * agent does not run from a jar.
     */
    static TransformCache open(Path root, Path agentJar) {
        if (root == null || agentJar == null || !Files.isRegularFile(agentJar)) {
            return null;
        }
        try {
            String build = Long.toHexString(Files.size(agentJar)) + "-"
                    + Long.toHexString(Files.getLastModifiedTime(agentJar).toMillis());
            Path dir = root.resolve(build);
            if (Files.getFileAttributeView(root.toAbsolutePath().getParent(), PosixFileAttributeView.class) == null) {
                return null; // no POSIX owner and permissions to check here
            }
            createPrivate(root);
            UserPrincipal me = currentUser(root);
            if (!own(root, me)) {
                return null;
            }
            createPrivate(dir);
            if (!own(dir, me)) {
                return null;
            }
            boolean warm;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.class")) {
                warm = entries.iterator().hasNext();
            }
            pruneOtherJars(root, dir);
            return new TransformCache(dir, warm);
        } catch (IOException | RuntimeException e) {
            AgentErrors.suppressed(e);
            return null;
        }
    }

    /** How long the entries of another agent jar are kept after their last write: a rollback finds them warm. */
    static final long KEEP_OTHER_JARS_MILLIS = 30L * 24 * 3600 * 1000;

    /** Deletes the directories of other agent jars that have not been written for {@link #KEEP_OTHER_JARS_MILLIS}. */
    private static void pruneOtherJars(Path root, Path mine) {
        long before = System.currentTimeMillis() - KEEP_OTHER_JARS_MILLIS;
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(root)) {
            for (Path jar : jars) {
                if (!jar.equals(mine) && Files.isDirectory(jar, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(jar, LinkOption.NOFOLLOW_LINKS).toMillis() < before) {
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(jar)) {
                        for (Path e : entries) {
                            Files.deleteIfExists(e);
                        }
                    }
                    Files.deleteIfExists(jar);
                }
            }
        } catch (IOException | RuntimeException e) {
            AgentErrors.suppressed(e); // left for the next start
        }
    }

    private static void createPrivate(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // another JVM made it first: checked like any existing one
            }
        }
    }

    /** A directory (not a link) owned by {@code me} and writable by no one else. */
    private static boolean own(Path dir, UserPrincipal me) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> p = a.permissions();
        return a.isDirectory() && a.owner().equals(me)
                && !p.contains(PosixFilePermission.GROUP_WRITE) && !p.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** This JVM's user as the file system names owners: the owner of a file it just created (user.name may be "?"). */
    private static UserPrincipal currentUser(Path dir) throws IOException {
        Path probe = createScratch(dir, ".owner");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /**
     * A new empty file (0600) named by this process and a counter. Not Files.createTempFile: its random names come
     * from SecureRandom, whose seeding cost the origin's main thread 16-29 ms at every start (timed inside premain).
     * Another JVM with the same pid (a container restart) may have left one behind: the next name is tried.
     */
    private static Path createScratch(Path dir, String prefix) throws IOException {
        String base = prefix + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()) + "-";
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createFile(dir.resolve(base + SCRATCH.incrementAndGet() + ".tmp"), PRIVATE_FILE);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) {
                    throw e;
                }
            }
        }
    }

    /** True when an earlier start of this agent jar left hooked classes here. */
    boolean warm() {
        return warm;
    }

    /** The hooked bytes stored for this class and these bytes, or null. */
    byte[] get(String className, byte[] classfile) {
        if (broken) {
            return null;
        }
        Path f = dir.resolve(key(className, classfile) + ".class");
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            byte[] stored = Files.readAllBytes(f);
            int head = MAGIC.length + HASH;
            if (stored.length <= head || !Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                return null;
            }
            byte[] out = Arrays.copyOfRange(stored, head, stored.length);
            return Arrays.equals(sha256(out), 0, HASH, stored, MAGIC.length, head) ? out : null;
        } catch (IOException | RuntimeException e) {
            fail(e);
            return null;
        }
    }

    /** Stores the hooked bytes of this class and these bytes (written aside, then moved in: never seen torn). */
    void put(String className, byte[] classfile, byte[] hooked) {
        if (broken) {
            return;
        }
        Path tmp = null;
        try {
            tmp = createScratch(dir, ".part");
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + HASH + hooked.length);
            b.put(MAGIC).put(sha256(hooked)).put(hooked);
            Files.write(tmp, b.array());
            Files.move(tmp, dir.resolve(key(className, classfile) + ".class"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException | RuntimeException e) {
            fail(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // left behind: a .tmp file is never read
                }
            }
        }
    }

    private void fail(Exception e) {
        broken = true;
        AgentErrors.suppressed(e);
    }

    static String key(String className, byte[] classfile) {
        MessageDigest d = digest();
        d.update(className.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(classfile);
        StringBuilder hex = new StringBuilder(2 * HASH);
        for (byte x : d.digest()) {
            hex.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return hex.toString();
    }

    private static byte[] sha256(byte[] bytes) {
        return digest().digest(bytes);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java SE platform has SHA-256
        }
    }
}
