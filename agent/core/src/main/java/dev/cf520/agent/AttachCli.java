package dev.cf520.agent;

import dev.cf520.config.AgentConfig;
import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * {@code java -jar cf520-agent.jar list | attach <pid> [--config FILE] [key=value ...] | status <pid>}.
 * Attaches cf520 to a running origin JVM (no restart, no -javaagent flag) and says plainly why when
 * it cannot. Exit status: 0 done (or already active), 1 could not, 2 bad usage.
 */
public final class AttachCli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    private static final long ACTIVE_TIMEOUT_MILLIS = 60_000;

    private final PrintStream out;
    private final PrintStream err;

    AttachCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new AttachCli(System.out, System.err).run(args));
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? USAGE : OK;
        }
        try {
            switch (args[0]) {
                case "list":
                    return list();
                case "attach":
                    return args.length < 2 ? usageError("attach needs a PID") : attach(args);
                case "status":
                    return args.length < 2 ? usageError("status needs a PID") : status(args[1]);
                default:
                    return usageError("unknown command " + args[0]);
            }
        } catch (IllegalArgumentException e) {
            return usageError(e.getMessage());
        }
    }

    private int usageError(String what) {
        err.println("cf520: " + what);
        usage(err);
        return USAGE;
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar cf520-agent.jar list");
        s.println("         JVMs this user can attach to: PID, main class, servlet container, cf520 state");
        s.println("       java -jar cf520-agent.jar attach <pid> [--config FILE] [key=value ...]");
        s.println("         start cf520 in a running JVM; keys as the cf520.* and otel.* properties,");
        s.println("         e.g. otel.exporter.otlp.endpoint=http://jaeger:4318 cf520.edge-read-timeout=100s");
        s.println("       java -jar cf520-agent.jar status <pid>");
        s.println("         whether cf520 is active in that JVM and what it instrumented");
    }

    // ---- list ---------------------------------------------------------------------------------

    private int list() {
        long self = ProcessHandle.current().pid();
        out.printf("%-8s %-44s %-10s %s%n", "PID", "MAIN", "CONTAINER", "CF520");
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (d.id().equals(Long.toString(self))) {
                continue;
            }
            String container = "?";
            String state = "?";
            try {
                VirtualMachine vm = VirtualMachine.attach(d);
                try {
                    Properties p = vm.getSystemProperties();
                    container = container(p);
                    state = p.getProperty(AgentState.PROPERTY, "-");
                } finally {
                    vm.detach();
                }
            } catch (AttachNotSupportedException | IOException e) {
                state = "cannot attach (" + oneLine(e) + ")";
            }
            out.printf("%-8s %-44s %-10s %s%n", d.id(), shorten(mainOf(d.displayName()), 44), container, state);
        }
        return OK;
    }

    static String container(Properties p) {
        String where = (p.getProperty("java.class.path", "") + " " + p.getProperty("sun.java.command", "") + " "
                + p.getProperty("jdk.module.path", "")).toLowerCase(Locale.ROOT);
        String boot = where.contains("spring-boot") || where.contains("org.springframework.boot") ? "+boot" : "";
        if (p.getProperty("catalina.home") != null || where.contains("tomcat")) {
            return "tomcat" + boot;
        }
        if (where.contains("jetty")) {
            return "jetty" + boot;
        }
        if (where.contains("undertow")) {
            return "undertow" + boot;
        }
        return boot.isEmpty() ? "-" : "spring-boot";
    }

    private static String mainOf(String displayName) {
        String s = displayName == null ? "" : displayName.trim();
        int sp = s.indexOf(' ');
        return sp < 0 ? s : s.substring(0, sp);
    }

    // ---- status -------------------------------------------------------------------------------

    private int status(String pidArg) {
        long pid = pid(pidArg);
        VirtualMachine vm = attachOrExplain(pid);
        if (vm == null) {
            return FAILED;
        }
        try {
            String state = vm.getSystemProperties().getProperty(AgentState.PROPERTY);
            out.println(state == null ? "cf520 is not active in JVM " + pid : "cf520 in JVM " + pid + ": " + state);
            return OK;
        } catch (IOException e) {
            err.println("cf520: could not read JVM " + pid + "'s state: " + oneLine(e));
            return FAILED;
        } finally {
            detach(vm);
        }
    }

    // ---- attach -------------------------------------------------------------------------------

    private int attach(String[] args) {
        long pid = pid(args[1]);
        Properties settings = new Properties();
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--config")) {
                if (++i >= args.length) {
                    throw new IllegalArgumentException("--config needs a file");
                }
                if (!readConfig(Paths.get(args[i]), settings)) {
                    return FAILED;
                }
            } else {
                int eq = args[i].indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("\"" + args[i] + "\" is not key=value");
                }
                String key = args[i].substring(0, eq).trim();
                if (!key.startsWith("cf520.") && !key.startsWith("otel.")) {
                    throw new IllegalArgumentException(key + " is neither a cf520.* nor an otel.* key");
                }
                settings.setProperty(key, args[i].substring(eq + 1).trim());
            }
        }
        Path jar = ownJar();
        if (jar == null) {
            err.println("cf520: attach must be run from the agent jar: java -jar cf520-agent.jar attach <pid>");
            return FAILED;
        }
        if (!checkTargetCanRead(pid, jar)) {
            return FAILED;
        }
        long t0 = System.nanoTime();
        VirtualMachine vm = attachOrExplain(pid);
        if (vm == null) {
            return FAILED;
        }
        Path config = null;
        try {
            String state = vm.getSystemProperties().getProperty(AgentState.PROPERTY);
            if (state != null) {
                out.println("cf520 is already active in JVM " + pid + " (" + state + "); nothing changed");
                return OK;
            }
            config = writeSettings(pid, settings);
            vm.loadAgent(jar.toString(), AgentConfig.CONFIG_FILE + "=" + config);
            return awaitActive(vm, pid, t0);
        } catch (AgentLoadException | AgentInitializationException e) {
            err.println("cf520: JVM " + pid + " refused the agent: " + explainLoadFailure(e));
            return FAILED;
        } catch (IOException e) {
            String m = oneLine(e);
            err.println("cf520: loading the agent into JVM " + pid + " failed: "
                    + (m.contains("EnableDynamicAgentLoading") ? dynamicLoadingDisabled() : m));
            return FAILED;
        } finally {
            detach(vm);
            if (config != null) {
                try {
                    Files.deleteIfExists(config);
                } catch (IOException ignored) {
                    // a temporary file in the target's temp directory; it holds only settings
                }
            }
        }
    }

    private int awaitActive(VirtualMachine vm, long pid, long t0) throws IOException {
        long deadline = System.currentTimeMillis() + ACTIVE_TIMEOUT_MILLIS;
        String state = null;
        while (System.currentTimeMillis() < deadline) {
            state = vm.getSystemProperties().getProperty(AgentState.PROPERTY);
            if (state != null && !state.startsWith("starting")) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (state != null && state.startsWith("active")) {
            out.println("cf520 active in JVM " + pid + " after " + ms + " ms: " + state);
            return OK;
        }
        err.println("cf520: the agent was loaded into JVM " + pid + " but is not active after " + ms + " ms ("
                + (state == null ? "no state reported" : state) + "); the JVM's stderr says why");
        return FAILED;
    }

    private VirtualMachine attachOrExplain(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            err.println("cf520: no process with PID " + pid + " (java -jar cf520-agent.jar list shows the JVMs "
                    + "you can attach to)");
            return null;
        }
        String owner = owner(pid);
        String me = System.getProperty("user.name");
        if (owner != null && !owner.equals(me) && !me.equals("root")) {
            err.println("cf520: JVM " + pid + " runs as user " + owner + ", you are " + me + "; the attach API only "
                    + "connects to JVMs of the same user: run as " + owner + " (sudo -u " + owner + " java -jar ...)");
            return null;
        }
        try {
            return VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException e) {
            err.println("cf520: cannot attach to PID " + pid + ": " + oneLine(e) + " (is it a HotSpot JVM of the same"
                    + " user, started without -XX:+DisableAttachMechanism?)");
        } catch (IOException e) {
            err.println("cf520: cannot attach to PID " + pid + ": " + oneLine(e));
        }
        return null;
    }

    private boolean checkTargetCanRead(long pid, Path jar) {
        String owner = owner(pid);
        try {
            UserPrincipal jarOwner = Files.getOwner(jar);
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(jar);
            if (owner != null && !owner.equals(jarOwner.getName()) && !perms.contains(PosixFilePermission.OTHERS_READ)
                    && !owner.equals("root")) {
                err.println("cf520: JVM " + pid + " runs as " + owner + " and cannot read " + jar + " (owner "
                        + jarOwner.getName() + ", " + PosixFilePermissions.toString(perms)
                        + "); make it readable (chmod o+r) or copy it where " + owner + " can read it");
                return false;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: let the JVM say what it can read
        }
        return true;
    }

    private boolean readConfig(Path file, Properties into) {
        try (InputStream in = Files.newInputStream(file)) {
            Properties p = new Properties();
            p.load(in);
            for (String key : p.stringPropertyNames()) {
                if (!key.startsWith("cf520.") && !key.startsWith("otel.")) {
                    err.println("cf520: " + file + ": " + key + " is neither a cf520.* nor an otel.* key");
                    return false;
                }
                if (!into.containsKey(key)) {
                    into.setProperty(key, p.getProperty(key));
                }
            }
            return true;
        } catch (IOException | IllegalArgumentException e) {
            err.println("cf520: cannot read " + file + ": " + oneLine(e));
            return false;
        }
    }

    /** The settings go to the target in a file it can read (agent arguments are short and comma-hostile). */
    private Path writeSettings(long pid, Properties settings) throws IOException {
        Path f = Files.createTempFile("cf520-attach-" + pid + "-", ".properties");
        try (OutputStream o = Files.newOutputStream(f)) {
            settings.store(o, "cf520 attach settings for JVM " + pid);
        }
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            String owner = owner(pid);
            if (owner != null && !owner.equals(System.getProperty("user.name"))) {
                // root attaching to another user's JVM: hand that user the file (it may hold OTLP headers)
                Files.setOwner(f, f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(owner));
            }
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return f;
    }

    private static String explainLoadFailure(Exception e) {
        String m = oneLine(e);
        if (m.contains("EnableDynamicAgentLoading") || m.contains("dynamic agent loading")) {
            return dynamicLoadingDisabled();
        }
        if (m.contains("not found") || m.contains("Agent-Class")) {
            return m + " (the target JVM could not read the agent jar; check its permissions)";
        }
        return m;
    }

    private static String dynamicLoadingDisabled() {
        return "it was started with -XX:-EnableDynamicAgentLoading, which forbids loading agents at run time; restart it"
                + " with -javaagent:/path/to/cf520-agent.jar instead";
    }

    private static long pid(String s) {
        try {
            long pid = Long.parseLong(s.trim());
            if (pid > 0) {
                return pid;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException("\"" + s + "\" is not a process id");
    }

    private static String owner(long pid) {
        try {
            return Files.getOwner(Paths.get("/proc", Long.toString(pid))).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return null; // no /proc (not Linux): the attach API will say
        }
    }

    private static Path ownJar() {
        try {
            Path p = Paths.get(AttachCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p.toAbsolutePath() : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    private static void detach(VirtualMachine vm) {
        try {
            vm.detach();
        } catch (IOException ignored) {
            // the target went away: nothing to release
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ').replace('\r', ' ');
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max + 3);
    }
}
