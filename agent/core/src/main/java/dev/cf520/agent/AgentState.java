package dev.cf520.agent;

import java.util.Set;
import java.util.TreeSet;

/**
 * What the agent tells the outside world about itself: one system property, readable by
 * {@code java -jar cf520-agent.jar status <pid>} (through the attach API) or {@code jcmd <pid>
 * VM.system_properties}. It also makes a second attach a no-op that says so.
 */
final class AgentState {
    static final String PROPERTY = "cf520.agent.state";

    private static final Set<String> INSTRUMENTED = new TreeSet<>();
    private static String phase = "starting";
    private static String mode = "javaagent";

    private AgentState() {
    }

    static synchronized void starting(boolean attached) {
        mode = attached ? "attach" : "javaagent";
        phase = "starting";
        publish();
    }

    static synchronized void instrumented(String className) {
        if (INSTRUMENTED.add(className)) {
            publish();
        }
    }

    static synchronized void active() {
        if (phase.equals("starting")) {
            phase = "active";
            publish();
        }
    }

    static synchronized void off(String why) {
        phase = "off (" + why + ")";
        publish();
    }

    private static void publish() {
        try {
            System.setProperty(PROPERTY, phase + "; version=" + AgentState.class.getPackage().getImplementationVersion()
                    + "; mode=" + mode + "; instrumented=" + INSTRUMENTED.size() + " " + INSTRUMENTED);
        } catch (SecurityException ignored) {
            // a security manager said no: the state is only unavailable from outside
        }
    }
}
