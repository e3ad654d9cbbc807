package dev.cf520.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformCacheTest {
    @TempDir
    Path tmp;
    private Path root;
    private Path jar;
    private final byte[] original = "original class bytes".getBytes(StandardCharsets.US_ASCII);
    private final byte[] hooked = "hooked class bytes".getBytes(StandardCharsets.US_ASCII);

    @BeforeEach
    void jar() throws IOException {
        root = tmp.resolve("cache");
        jar = Files.write(tmp.resolve("cf520-agent.jar"), new byte[] {1, 2, 3});
    }

    @Test
    void storesAndFindsHookedBytesByClassAndBytes() {
        TransformCache c = TransformCache.open(root, jar);
        assertNotNull(c);
        assertFalse(c.warm(), "a new cache");
        assertNull(c.get("a/B", original));
        c.put("a/B", original, hooked);
        assertArrayEquals(hooked, c.get("a/B", original));
        assertNull(c.get("a/C", original), "another class");
        assertNull(c.get("a/B", "other bytes".getBytes(StandardCharsets.US_ASCII)), "the class changed");
        TransformCache next = TransformCache.open(root, jar);
        assertTrue(next.warm(), "the next start finds it filled");
        assertArrayEquals(hooked, next.get("a/B", original));
    }

    @Test
    void aNewAgentJarStartsAnEmptyCache() throws IOException {
        TransformCache.open(root, jar).put("a/B", original, hooked);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        TransformCache rebuilt = TransformCache.open(root, jar);
        assertFalse(rebuilt.warm());
        assertNull(rebuilt.get("a/B", original));
    }

    @Test
    void theEntriesOfOtherJarsGoAfterAMonthUnwritten() throws IOException {
        TransformCache.open(root, jar).put("a/B", original, hooked);
        Path old = only(root);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        TransformCache.open(root, jar).put("a/B", original, hooked); // a new jar: both kept
        assertEquals(2, count(root));
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis()
                - TransformCache.KEEP_OTHER_JARS_MILLIS - 60_000));
        TransformCache.open(root, jar);
        assertFalse(Files.exists(old), "the old jar's entries are gone");
        assertEquals(1, count(root));
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static Path only(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.collect(Collectors.toList());
            assertEquals(1, all.size());
            return all.get(0);
        }
    }

    @Test
    void anAlteredOrTornEntryIsAMiss() throws IOException {
        TransformCache c = TransformCache.open(root, jar);
        c.put("a/B", original, hooked);
        Path entry = entries().get(0);
        byte[] stored = Files.readAllBytes(entry);
        stored[stored.length - 1] ^= 1;
        Files.write(entry, stored);
        assertNull(c.get("a/B", original), "altered");
        Files.write(entry, new byte[] {'c', 'f'});
        assertNull(c.get("a/B", original), "torn");
    }

    @Test
    void aDirectoryOthersMayWriteIsNotUsed() throws IOException {
        Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx")); // past the umask
        assertNull(TransformCache.open(root, jar));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        assertNotNull(TransformCache.open(root, jar));
    }

    @Test
    void aNewCacheIsTheUsersAlone() throws IOException {
        TransformCache.open(root, jar).put("a/B", original, hooked);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entries().get(0))));
    }

    @Test
    void leavesNoScratchFilesBehind() throws IOException {
        TransformCache c = TransformCache.open(root, jar); // its owner probe is a scratch file
        c.put("a/B", original, hooked); // written to one, then moved in
        c.put("a/C", original, hooked);
        TransformCache.open(root, jar).put("a/B", original, hooked); // the same entry again, by the next start
        List<String> names;
        try (Stream<Path> all = Files.walk(root)) {
            names = all.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.stream().allMatch(n -> n.endsWith(".class") && !n.startsWith(".")), names.toString());
    }

    @Test
    void noJarNoCache() {
        assertNull(TransformCache.open(root, tmp), "classes in a directory");
        assertNull(TransformCache.open(null, jar));
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
    }
}
