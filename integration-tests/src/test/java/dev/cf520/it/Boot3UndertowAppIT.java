package dev.cf520.it;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** Spring Boot 3 + Undertow: the app's own telemetry and output beside the agent, on Java 17 and 25. */
class Boot3UndertowAppIT extends BootAppContract {
    @Override
    OriginProcess.Runtime runtime(String java, Path javaHome) {
        return BootApps.boot3Undertow(java, javaHome);
    }

    @Override
    Pattern description() {
        return Pattern.compile("Spring Boot 3\\.\\d+\\.\\d+ with Undertow 2\\.3\\.\\d+\\.Final");
    }
}
