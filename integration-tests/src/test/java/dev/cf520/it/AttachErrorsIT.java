package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the attach command says when it cannot attach: plainly, with what to do, and a non-zero exit. */
class AttachErrorsIT {

    @Test
    void noSuchProcess() throws Exception {
        AttachIT.Cli cli = AttachIT.Cli.run(OriginProcess.java17(), "attach", "999999999");
        assertEquals(1, cli.exit);
        assertTrue(cli.output.contains("no process with PID 999999999"), cli.output);
    }

    @Test
    void badUsage() throws Exception {
        AttachIT.Cli noPid = AttachIT.Cli.run(OriginProcess.java17(), "attach");
        assertEquals(2, noPid.exit);
        assertTrue(noPid.output.contains("attach needs a PID") && noPid.output.contains("usage:"), noPid.output);
        AttachIT.Cli notPid = AttachIT.Cli.run(OriginProcess.java17(), "attach", "tomcat");
        assertEquals(2, notPid.exit);
        assertTrue(notPid.output.contains("\"tomcat\" is not a process id"), notPid.output);
        AttachIT.Cli badKey = AttachIT.Cli.run(OriginProcess.java17(), "attach", "1", "color=blue");
        assertEquals(2, badKey.exit);
        assertTrue(badKey.output.contains("color is neither a cf520.* nor an otel.* key"), badKey.output);
    }

    @Test
    void statusOfAJvmWithoutTheAgentAndAMissingConfigFile() throws Exception {
        try (OriginProcess origin = OriginProcess.start(new OriginProcess.Runtime("java-17", OriginProcess.java17(),
                "11", OriginProcess.Layout.FAT_JAR), false, Map.of())) {
            AttachIT.Cli status = AttachIT.Cli.run(OriginProcess.java17(), "status", Long.toString(origin.pid()));
            assertEquals(0, status.exit, status.output);
            assertTrue(status.output.contains("cf520 is not active in JVM " + origin.pid()), status.output);
            AttachIT.Cli missing = AttachIT.Cli.run(OriginProcess.java17(), "attach", Long.toString(origin.pid()),
                    "--config", "/nonexistent/cf520.properties");
            assertEquals(1, missing.exit);
            assertTrue(missing.output.contains("cannot read /nonexistent/cf520.properties"), missing.output);
            AttachIT.Cli list = AttachIT.Cli.run(OriginProcess.java17(), "list");
            assertEquals(0, list.exit, list.output);
            assertTrue(list.output.lines().anyMatch(l -> l.startsWith(origin.pid() + " ") && l.contains("tomcat")),
                    list.output);
        }
    }

    @Test
    void dynamicLoadingDisabled() throws Exception {
        Path jdk = OriginProcess.java25(); // -XX:-EnableDynamicAgentLoading exists from JDK 21 on
        if ("true".equals(System.getenv("CF520_REQUIRE_JAVA25"))) {
            org.junit.jupiter.api.Assertions.assertNotNull(jdk, "CF520_REQUIRE_JAVA25 is set but no JDK 25 was found");
        }
        assumeTrue(jdk != null, "needs a JDK 21+ (JAVA25_HOME)");
        try (OriginProcess origin = OriginProcess.start(new OriginProcess.Runtime("java-25", jdk, "11",
                OriginProcess.Layout.FAT_JAR), false, Map.of(), Map.of(), List.of("-XX:-EnableDynamicAgentLoading"))) {
            AttachIT.Cli cli = AttachIT.Cli.run(jdk, "attach", Long.toString(origin.pid()));
            assertEquals(1, cli.exit, cli.output);
            assertTrue(cli.output.contains("-XX:-EnableDynamicAgentLoading") && cli.output.contains("-javaagent"),
                    cli.output);
            assertFalse(origin.stderr().stream().anyMatch(l -> l.contains("cf520")), "nothing of cf520 ran");
        }
    }

    @Test
    void aRuntimeWithoutJdkAttach() throws Exception {
        Path jre = Paths.get("target", "jre-without-attach").toAbsolutePath();
        if (!Files.isExecutable(jre.resolve("bin/java"))) {
            Process p = new ProcessBuilder(OriginProcess.java17().resolve("bin/jlink").toString(), "--add-modules",
                    "java.base,java.instrument,java.logging,java.management,java.net.http,jdk.unsupported",
                    "--output", jre.toString()).inheritIO().start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "jlink built a runtime");
        }
        AttachIT.Cli cli = AttachIT.Cli.run(jre, "attach", "1");
        assertEquals(1, cli.exit, cli.output);
        assertTrue(cli.output.contains("has no jdk.attach module") && cli.output.contains("full JDK"), cli.output);
    }
}
