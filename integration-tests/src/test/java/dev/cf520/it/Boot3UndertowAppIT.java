package dev.cf520.it;

import java.util.regex.Pattern;

/** Spring Boot 3 + Undertow: the app's own telemetry and output beside the agent, on Java 17. */
class Boot3UndertowAppIT extends BootAppContract {
    @Override
    OriginProcess.Runtime runtime() {
        return BootApps.boot3Undertow("java-17", OriginProcess.java17());
    }

    @Override
    Pattern description() {
        return Pattern.compile("Spring Boot 3\\.\\d+\\.\\d+ with Undertow 2\\.3\\.\\d+\\.Final");
    }
}
