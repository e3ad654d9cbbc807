package dev.cf520.it;

import java.util.regex.Pattern;

/** Spring Boot 4 + Tomcat: the app's own telemetry and output beside the agent, on Java 17. */
class Boot4TomcatAppIT extends BootAppContract {
    @Override
    OriginProcess.Runtime runtime() {
        return BootApps.boot4Tomcat("java-17", OriginProcess.java17());
    }

    @Override
    Pattern description() {
        return Pattern.compile("Spring Boot 4\\.\\d+\\.\\d+ with Tomcat 11\\.\\d+\\.\\d+");
    }
}
