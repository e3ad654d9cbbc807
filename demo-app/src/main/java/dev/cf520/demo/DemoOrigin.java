package dev.cf520.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An origin server on an embedded servlet container (Tomcat by default) with healthy endpoints and one endpoint per 520 risk, each
 * producing its fault on the wire for real. Listens on 127.0.0.1 unless told otherwise.
 *
 * <pre>java [-javaagent:agent/target/cf520-agent.jar] -jar demo-app/target/cf520-demo.jar [--port 8080] [--host 127.0.0.1] [--server tomcat|jetty|undertow]</pre>
 */
public final class DemoOrigin {
    /**
     * Containers refuse to send a response header block over 8-48 KiB by default and turn it into a
     * clean 500. A real origin behind Cloudflare often runs with this raised (big cookies, big Link
     * headers), which is how oversized header blocks reach the edge; the demo does the same.
     */
    static final int MAX_RESPONSE_HEADER_BYTES = 1024 * 1024;

    /** /static/big.bin, served by the container's own static file handler. */
    static final int STATIC_FILE_BYTES = 1024 * 1024;

    /** {@code --idle-timeout MILLIS}: the container's keep-alive idle timeout, or -1 for its own default. */
    static long idleTimeoutMillis = -1;

    private DemoOrigin() {
    }

    public static void main(String[] args) throws Exception {
        int port = 8080;
        String host = "127.0.0.1";
        String serverName = "tomcat";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port":
                    port = Integer.parseInt(value(args, ++i, "--port"));
                    break;
                case "--host":
                    host = value(args, ++i, "--host");
                    break;
                case "--idle-timeout":
                    idleTimeoutMillis = Long.parseLong(value(args, ++i, "--idle-timeout"));
                    break;
                case "--server":
                    serverName = value(args, ++i, "--server");
                    break;
                case "--help":
                case "-h":
                    System.out.println("usage: DemoOrigin [--port N (default 8080, 0 = any free port)] [--host ADDRESS (default 127.0.0.1)]"
                            + " [--server tomcat|jetty|jetty-handler|undertow|undertow-handler (default tomcat)]"
                            + " [--idle-timeout MILLIS (the container's keep-alive idle timeout; default: its own)]");
                    return;
                default:
                    System.err.println("unknown argument " + args[i] + " (try --help)");
                    System.exit(2);
            }
        }
        DemoServer server = server(serverName);
        int actual = server.start(host, port);
        System.out.println("cf520 demo origin listening on http://" + host + ":" + actual
                + " (" + server.description() + ")");
        System.out.println("  healthy: " + String.join(" ", DemoServlet.HEALTHY) + " /static/big.bin");
        System.out.println("  faulty:  " + String.join(" ", DemoServlet.FAULTY));
        System.out.println("  upload:  " + DemoServlet.UPLOAD);
        System.out.flush();
        // stop the container on SIGTERM, as Spring Boot and standalone containers do
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("demo: stopping the server failed: " + e);
            }
        }, "demo-stop"));
        server.await();
    }

    /** Writes static/big.bin ({@link #STATIC_FILE_BYTES} bytes) under {@code dir}, removed on exit. */
    static Path writeStaticFile(Path dir) throws IOException {
        byte[] big = new byte[STATIC_FILE_BYTES];
        Arrays.fill(big, (byte) 's');
        Files.createDirectories(dir);
        Path file = Files.write(dir.resolve("big.bin"), big);
        dir.toFile().deleteOnExit();
        file.toFile().deleteOnExit();
        return file;
    }

    static DemoServer server(String name) {
        switch (name) {
            case "tomcat":
                return new TomcatDemoServer();
            case "jetty":
            case "jetty-handler":
                return new JettyDemoServer(name.equals("jetty-handler"));
            case "undertow":
                return new UndertowDemoServer(true);
            case "undertow-handler":
                return new UndertowDemoServer(false);
            default:
                System.err.println("unknown --server " + name + ": tomcat, jetty, jetty-handler, undertow or undertow-handler");
                System.exit(2);
                return null;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            System.err.println(flag + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
