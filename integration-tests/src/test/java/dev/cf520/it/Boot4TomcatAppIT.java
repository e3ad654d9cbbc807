package dev.cf520.it;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** Spring Boot 4 + Tomcat: the app's own telemetry and output beside the agent, on Java 17 and 25. */
class Boot4TomcatAppIT extends BootAppContract {
    @Override
    OriginProcess.Runtime runtime(String java, Path javaHome) {
        return BootApps.boot4Tomcat(java, javaHome);
    }

    @Override
    Pattern description() {
        return Pattern.compile("Spring Boot 4\\.\\d+\\.\\d+ with Tomcat 11\\.\\d+\\.\\d+");
    }
}
