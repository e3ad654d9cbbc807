package dev.cf520.agent;

import java.lang.instrument.Instrumentation;

/**
 * The jar's Premain-Class, Agent-Class and Main-Class. Compiled for Java 8 so that on an older JVM it can say
 * so in one line and return: adding {@code -javaagent} must never stop an origin from starting.
 * Everything else is reached reflectively, so this class links against nothing newer.
 */
public final class Cf520Entry {
    private static final String INSTALLER = "dev.cf520.agent.AgentInstaller";

    private Cf520Entry() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    /** {@code java -jar cf520-agent.jar list | attach <pid> | status <pid>}: see AttachCli. */
    public static void main(String[] args) throws Exception {
        if (javaFeatureVersion() < 11) {
            System.err.println("cf520 needs Java 11+ (this is " + System.getProperty("java.version") + ")");
            System.exit(1);
        }
        try {
            Class.forName("com.sun.tools.attach.VirtualMachine");
        } catch (ClassNotFoundException e) {
            // checked here: the CLI's own classes cannot even be loaded without the attach API
            System.err.println("cf520: this Java runtime (" + System.getProperty("java.home") + ") has no jdk.attach "
                    + "module; it is a JRE or a trimmed image. Run the same command with a full JDK's java.");
            System.exit(1);
        }
        Class.forName("dev.cf520.agent.AttachCli").getMethod("main", String[].class).invoke(null, (Object) args);
    }

    private static void start(String args, Instrumentation inst, boolean attached) {
        try {
            if (javaFeatureVersion() < 11) {
                System.err.println("cf520 needs Java 11+, agent disabled (this JVM is "
                        + System.getProperty("java.version") + ")");
                return;
            }
            Class.forName(INSTALLER)
                    .getMethod("install", String.class, Instrumentation.class, boolean.class)
                    .invoke(null, args, inst, attached);
        } catch (Throwable t) {
            // The installer logs its own failures; this is only reached if it could not even load.
            System.err.println("cf520 could not start, agent disabled: " + t);
        }
    }

    static int javaFeatureVersion() {
        String v = System.getProperty("java.specification.version", "1.8");
        if (v.startsWith("1.")) {
            v = v.substring(2);
        }
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
            return 8;
        }
    }
}
