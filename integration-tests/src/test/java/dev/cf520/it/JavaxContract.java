package dev.cf520.it;

import java.nio.file.Path;

/** The catalogue on the javax origin (the demo's servlet turned javax at build time) on a javax container. */
abstract class JavaxContract extends CatalogContract {

    /** The javax origin with {@code --server server}, on the jars of target/containers/{containers}. */
    static OriginProcess.Runtime javaxOrigin(String name, Path jdk, String containers, String server) {
        return new OriginProcess.Runtime(name, jdk, "9", OriginProcess.Layout.CLASS_PATH)
                .containers(containers)
                .app("cf520.javax.jar", "../fixtures/javax-origin/target/cf520-javax-origin-0.1.0-SNAPSHOT.jar",
                        "dev.cf520.javax.JavaxOrigin")
                .server(server);
    }
}
