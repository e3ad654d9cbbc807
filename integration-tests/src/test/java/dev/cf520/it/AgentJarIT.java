package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged agent jar, as users get it: entry points, relocation, what is left out, class file levels, size. */
class AgentJarIT {
    private static final String ENTRY = "dev.cf520.agent.Cf520Entry";
    private static final long MAX_BYTES = 8L * 1024 * 1024;
    /** Unrelocated references in a class file's constant pool (internal names or descriptors). */
    private static final Pattern FOREIGN = Pattern.compile("(?<!/)(org/slf4j|io/opentelemetry|net/bytebuddy)/");

    private static Path jar;
    /** Entry names of the jar, and of the jars nested in it (prefixed "nested.jar!/"). */
    private static final List<String> entries = new ArrayList<>();
    private static final List<String> classEntries = new ArrayList<>();

    @BeforeAll
    static void readJar() throws IOException {
        jar = OriginProcess.agentJar();
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(jf.entries())) {
                entries.add(e.getName());
                if (e.getName().endsWith(".class")) {
                    classEntries.add(e.getName());
                }
                if (e.getName().endsWith(".jar")) {
                    try (JarInputStream nested = new JarInputStream(jf.getInputStream(e))) {
                        for (JarEntry n; (n = nested.getNextJarEntry()) != null; ) {
                            String name = e.getName() + "!/" + n.getName();
                            entries.add(name);
                            if (n.getName().endsWith(".class")) {
                                classEntries.add(name);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(classEntries.size() > 100, "read the classes of " + jar + ": " + classEntries.size());
    }

    @Test
    void manifestNamesTheEntryPoint() throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            assertNotNull(m, "the agent jar has a manifest");
            Attributes a = m.getMainAttributes();
            assertEquals(ENTRY, a.getValue("Premain-Class"));
            assertEquals(ENTRY, a.getValue("Agent-Class"));
            assertEquals("true", a.getValue("Can-Retransform-Classes"));
            assertNotNull(jf.getEntry(ENTRY.replace('.', '/') + ".class"), "the entry class is in the jar");
        }
    }

    @Test
    void everyClassIsUnderDevCf520() {
        List<String> outside = new ArrayList<>();
        for (String c : classEntries) {
            String path = c.contains("!/") ? c.substring(c.indexOf("!/") + 2) : c;
            if (!path.startsWith("dev/cf520/")) {
                outside.add(c);
            }
        }
        assertTrue(outside.isEmpty(), outside.size() + " classes outside dev/cf520/, e.g. "
                + outside.subList(0, Math.min(20, outside.size())));
        for (String relocated : List.of("dev/cf520/shaded/net/bytebuddy/", "dev/cf520/shaded/io/opentelemetry/sdk/",
                "dev/cf520/shaded/io/opentelemetry/api/", "dev/cf520/shaded/org/slf4j/")) {
            assertTrue(classEntries.stream().anyMatch(c -> c.startsWith(relocated)), "relocated classes under " + relocated);
        }
    }

    @Test
    void classesReferOnlyToRelocatedDependencies() throws IOException {
        List<String> found = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(jf.entries())) {
                if (!e.getName().endsWith(".class")) {
                    continue;
                }
                String text;
                try (InputStream in = jf.getInputStream(e)) {
                    text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                Matcher m = FOREIGN.matcher(text);
                if (m.find()) {
                    int end = Math.min(text.length(), m.start() + 60);
                    found.add(e.getName() + " -> " + text.substring(m.start(), end).replaceAll("[^\\x20-\\x7e]", "?"));
                }
            }
        }
        assertTrue(found.isEmpty(), found.size() + " classes refer to unrelocated packages, e.g. "
                + found.subList(0, Math.min(10, found.size())));
    }

    @Test
    void noOkHttpKotlinOrOkio() {
        List<String> dragged = new ArrayList<>();
        for (String e : entries) {
            String path = e.contains("!/") ? e.substring(e.indexOf("!/") + 2) : e;
            for (String p : List.of("okhttp3/", "kotlin/", "okio/", "dev/cf520/shaded/okhttp3/", "dev/cf520/shaded/kotlin/",
                    "dev/cf520/shaded/okio/")) {
                if (path.startsWith(p)) {
                    dragged.add(e);
                }
            }
        }
        assertTrue(dragged.isEmpty(), "OkHttp/Kotlin/Okio are left out of the jar, found " + dragged);
    }

    @Test
    void serviceFilesAreRelocated() throws IOException {
        assertTrue(entries.contains("META-INF/services/dev.cf520.shaded.org.slf4j.spi.SLF4JServiceProvider"),
                "the agent's slf4j finds its provider through a relocated service file");
        List<String> services = new ArrayList<>();
        for (String e : entries) {
            if (e.startsWith("META-INF/services/") && !e.endsWith("/")) {
                services.add(e);
            }
        }
        assertFalse(services.isEmpty());
        List<String> unrelocated = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (String s : services) {
                String service = s.substring("META-INF/services/".length());
                if (!service.startsWith("dev.cf520.")) {
                    unrelocated.add(s);
                }
                String body;
                try (InputStream in = jf.getInputStream(jf.getEntry(s))) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                for (String line : body.split("\n")) {
                    String impl = line.replaceAll("#.*", "").trim();
                    if (!impl.isEmpty() && !impl.startsWith("dev.cf520.")) {
                        unrelocated.add(s + " names " + impl);
                    }
                }
            }
        }
        assertTrue(unrelocated.isEmpty(), "service files name only relocated types (no META-INF/services/org.slf4j...): "
                + unrelocated);
    }

    @Test
    void entryIsJava8AndInstallerJava11() throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            assertEquals(52, major(jf, "dev/cf520/agent/Cf520Entry.class"), "Cf520Entry is compiled for Java 8");
            assertEquals(55, major(jf, "dev/cf520/agent/AgentInstaller.class"), "AgentInstaller is compiled for Java 11");
        }
    }

    @Test
    void jarIsAtMost8MB() throws IOException {
        long size = Files.size(jar);
        System.out.printf("cf520-agent.jar: %,d bytes (%.2f MiB), %d classes%n", size, size / 1048576.0,
                classEntries.size());
        assertTrue(size <= MAX_BYTES, "cf520-agent.jar is " + size + " bytes, over " + MAX_BYTES);
    }

    private static int major(JarFile jf, String name) throws IOException {
        JarEntry e = jf.getJarEntry(name);
        assertNotNull(e, name + " is in the jar");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(jf.getInputStream(e).readAllBytes()))) {
            assertEquals(0xCAFEBABE, in.readInt(), name + " is a class file");
            in.readUnsignedShort(); // minor
            return in.readUnsignedShort();
        }
    }
}
