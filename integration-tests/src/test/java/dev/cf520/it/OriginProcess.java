package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The demo origin in a real child JVM, with the packaged agent jar, as a user would run it. */
final class OriginProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    /** How the demo and its Tomcat are put on the JVM. */
    enum Layout {
        /** {@code java -jar cf520-demo.jar}: Tomcat 11 on the system class path. */
        FAT_JAR,
        /** thin demo jar + a Tomcat line's jars on {@code -cp}. */
        CLASS_PATH,
        /** Tomcat and the demo in a child URLClassLoader; the system class path holds only a launcher. */
        CHILD_LOADER,
        /**
         * {@code java -jar app.jar} of a Spring Boot executable jar ({@link Runtime#app} names it): the container and
         * the app sit in Boot's nested-jar class loader, and Boot's own flags choose the port and address.
         */
        EXECUTABLE_JAR
    }

    /**
     * One way to run the origin: JDK, container, class loading layout. By default the demo app on a
     * Tomcat line; {@link #server}, {@link #containers} and {@link #app} change that.
     */
    static final class Runtime {
        final String name;
        final Path javaHome;
        final Layout layout;
        /** The demo's {@code --server} value, or null for an app that takes no such flag. */
        String server = "tomcat";
        /** Directory under target/containers with the container's jars (CLASS_PATH, CHILD_LOADER). */
        String containerDir;
        /** System property naming the thin app jar, its fallback path, and its main class. */
        String appJarProperty = "cf520.demo.thin.jar";
        String appJarFallback = "../demo-app/target/cf520-demo-app-0.1.0-SNAPSHOT.jar";
        String mainClass = "dev.cf520.demo.DemoOrigin";
        /** Extra app arguments after the port flags (e.g. the demo's {@code --idle-timeout MILLIS}). */
        final List<String> args = new ArrayList<>();

        Runtime(String name, Path javaHome, String tomcatLine, Layout layout) {
            this.name = name;
            this.javaHome = javaHome;
            this.containerDir = "tomcat-" + tomcatLine;
            this.layout = layout;
        }

        /** Runs the demo with {@code --server name}. */
        Runtime server(String name) {
            this.server = name;
            return this;
        }

        /** Puts target/containers/{dir}/*.jar on the class path (CLASS_PATH, CHILD_LOADER). */
        Runtime containers(String dir) {
            this.containerDir = dir;
            return this;
        }

        /** Another app than the demo: its thin jar (system property, fallback path) and main class. */
        Runtime app(String jarProperty, String jarFallback, String main) {
            this.appJarProperty = jarProperty;
            this.appJarFallback = jarFallback;
            this.mainClass = main;
            return this;
        }

        /** Appends app arguments, passed after the port flags. */
        Runtime args(String... more) {
            this.args.addAll(List.of(more));
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Process process;
    private Path javaHome;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private volatile int port = -1;

    private OriginProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout, true);
        pump(process.getErrorStream(), stderr, false);
    }

    static Path java17() {
        return Paths.get(System.getProperty("java.home"));
    }

    /** A JDK 25 from cf520.java25.home, JAVA25_HOME, or /usr/lib/jvm; null when none is installed. */
    static Path java25() {
        for (String c : new String[] {System.getProperty("cf520.java25.home"), System.getenv("JAVA25_HOME")}) {
            if (c != null && !c.isBlank() && Files.isExecutable(Paths.get(c, "bin", "java"))) {
                return Paths.get(c);
            }
        }
        Path jvms = Paths.get("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                return s.filter(p -> p.getFileName().toString().matches(".*-25([.-].*)?"))
                        .filter(p -> Files.isExecutable(p.resolve("bin/java"))).sorted().findFirst().orElse(null);
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * {@link #java25()}, or a skipped test when there is none; a failure instead when CI asks for Java 25
     * ({@code cf520.require-java25} or {@code CF520_REQUIRE_JAVA25=true}).
     */
    static Path java25OrSkip() {
        Path jdk = java25();
        if (Boolean.getBoolean("cf520.require-java25") || "true".equals(System.getenv("CF520_REQUIRE_JAVA25"))) {
            org.junit.jupiter.api.Assertions.assertNotNull(jdk, "CF520_REQUIRE_JAVA25 is set but no JDK 25 was found (set JAVA25_HOME)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(jdk != null,
                "no JDK 25 found (set JAVA25_HOME); the Java 25 run is skipped here, CI requires it");
        return jdk;
    }

    static Path agentJar() {
        return existing("cf520.agent.jar", "../agent/target/cf520-agent.jar");
    }

    static Path existing(String property, String fallback) {
        Path p = Paths.get(System.getProperty(property, fallback)).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p), p + " is missing: build with mvn verify from the top directory");
        return p;
    }

    /** Settings every test origin gets: export to the receiver quickly, a 2 s edge read timeout. */
    static Map<String, String> testSettings(OtlpReceiver receiver) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("otel.exporter.otlp.endpoint", receiver.endpoint());
        p.put("otel.bsp.schedule.delay", "100");
        p.put("otel.metric.export.interval", "500");
        p.put("otel.service.name", "cf520-it");
        p.put("cf520.edge-read-timeout", "2s");
        return p;
    }

    static OriginProcess start(Runtime rt, boolean withAgent, Map<String, String> props) throws Exception {
        return start(rt, withAgent, props, Map.of());
    }

    static OriginProcess start(Runtime rt, boolean withAgent, Map<String, String> props, Map<String, String> env)
            throws Exception {
        return start(rt, withAgent, props, env, List.of());
    }

    static OriginProcess start(Runtime rt, boolean withAgent, Map<String, String> props, Map<String, String> env,
            List<String> jvmFlags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(rt.javaHome.resolve("bin/java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(jvmFlags);
        if (withAgent) {
            cmd.add("-javaagent:" + agentJar());
        }
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        switch (rt.layout) {
            case FAT_JAR:
                cmd.add("-jar");
                cmd.add(existing("cf520.demo.jar", "../demo-app/target/cf520-demo.jar").toString());
                break;
            case CLASS_PATH:
                cmd.add("-cp");
                cmd.add(existing(rt.appJarProperty, rt.appJarFallback) + File.pathSeparator + containerJars(rt.containerDir));
                cmd.add(rt.mainClass);
                break;
            case CHILD_LOADER:
                cmd.add("-cp");
                cmd.add(Paths.get(ChildLoaderLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .toString());
                cmd.add(ChildLoaderLauncher.class.getName());
                cmd.add(existing(rt.appJarProperty, rt.appJarFallback) + File.pathSeparator + containerJars(rt.containerDir));
                cmd.add(rt.mainClass);
                break;
            case EXECUTABLE_JAR:
                cmd.add("-jar");
                cmd.add(existing(rt.appJarProperty, rt.appJarFallback).toString());
                break;
            default:
                throw new IllegalArgumentException(rt.layout.toString());
        }
        if (rt.server != null) {
            cmd.add("--server");
            cmd.add(rt.server);
        }
        if (rt.layout == Layout.EXECUTABLE_JAR) {
            cmd.add("--server.port=0");
            cmd.add("--server.address=127.0.0.1");
        } else {
            cmd.add("--port");
            cmd.add("0");
        }
        cmd.addAll(rt.args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        OriginProcess o = new OriginProcess(pb.start());
        o.javaHome = rt.javaHome;
        o.awaitPort(Duration.ofSeconds(60));
        return o;
    }

    private static String containerJars(String dirName) throws IOException {
        Path dir = Paths.get(System.getProperty("cf520.containers.dir", "target/containers"), dirName);
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
        }
    }

    private void pump(InputStream in, List<String> sink, boolean watchPort) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (watchPort && m.find()) {
                        port = Integer.parseInt(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "origin-output");
        t.setDaemon(true);
        t.start();
    }

    private void awaitPort(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (port < 0 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (port < 0) {
            throw new AssertionError("origin did not start; stdout:\n" + String.join("\n", stdout)
                    + "\nstderr:\n" + String.join("\n", stderr));
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path javaHome() {
        return javaHome;
    }

    List<String> stderr() {
        return new ArrayList<>(stderr);
    }

    List<String> stdout() {
        return new ArrayList<>(stdout);
    }

    /** Waits for a stderr line matching {@code test}; returns it or null. */
    String awaitStderr(Predicate<String> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (String l : stderr) {
                if (test.test(l)) {
                    return l;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /** The agent's lines on stderr (its log lines start with an ISO timestamp and mention cf520). */
    List<String> agentLines() {
        return stderr.stream().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT.*") && l.contains("cf520"))
                .collect(Collectors.toList());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
