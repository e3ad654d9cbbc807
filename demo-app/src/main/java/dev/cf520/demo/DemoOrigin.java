package dev.cf520.demo;

import java.io.File;
import java.nio.file.Files;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An origin server on embedded Tomcat with healthy endpoints and one endpoint per 520 risk, each
 * producing its fault on the wire for real. Listens on 127.0.0.1 unless told otherwise.
 *
 * <pre>java [-javaagent:agent/target/cf520-agent.jar] -jar demo-app/target/cf520-demo.jar [--port 8080] [--host 127.0.0.1]</pre>
 */
public final class DemoOrigin {
    /**
     * Tomcat refuses to send a response header block over 8 KiB and turns it into a clean 500.
     * A real origin behind Cloudflare often runs with this raised (big cookies, big Link headers),
     * which is how oversized header blocks reach the edge; the demo does the same.
     */
    static final int MAX_RESPONSE_HEADER_BYTES = 1024 * 1024;

    /**
     * java.util.logging holds loggers weakly: without this reference a garbage collection between
     * setting the level and Tomcat creating its loggers loses the level, and Tomcat's INFO lines appear.
     */
    private static final Logger TOMCAT_LOGGER = Logger.getLogger("org.apache");

    /** /static/big.bin, served by Tomcat's DefaultServlet. */
    static final int STATIC_FILE_BYTES = 1024 * 1024;

    private DemoOrigin() {
    }

    public static void main(String[] args) throws Exception {
        int port = 8080;
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port":
                    port = Integer.parseInt(value(args, ++i, "--port"));
                    break;
                case "--host":
                    host = value(args, ++i, "--host");
                    break;
                case "--help":
                case "-h":
                    System.out.println("usage: DemoOrigin [--port N (default 8080, 0 = any free port)] [--host ADDRESS (default 127.0.0.1)]");
                    return;
                default:
                    System.err.println("unknown argument " + args[i] + " (try --help)");
                    System.exit(2);
            }
        }
        Tomcat tomcat = start(host, port);
        int actual = tomcat.getConnector().getLocalPort();
        System.out.println("cf520 demo origin listening on http://" + host + ":" + actual
                + " (Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber() + ")");
        System.out.println("  healthy: " + String.join(" ", DemoServlet.HEALTHY) + " /static/big.bin");
        System.out.println("  faulty:  " + String.join(" ", DemoServlet.FAULTY));
        System.out.flush();
        tomcat.getServer().await();
    }

    static Tomcat start(String host, int port) throws java.io.IOException, LifecycleException {
        TOMCAT_LOGGER.setLevel(Level.WARNING);
        File base = Files.createTempDirectory("cf520-demo").toFile();
        base.deleteOnExit();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        connector.setPort(port);
        connector.setProperty("address", host);
        connector.setProperty("maxHttpResponseHeaderSize", Integer.toString(MAX_RESPONSE_HEADER_BYTES));
        // HTTP/2 over cleartext for clients that ask (Upgrade: h2c): cf520 records such exchanges unjudged
        connector.addUpgradeProtocol(new org.apache.coyote.http2.Http2Protocol());
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(ctx, "demo", new DemoServlet()).setAsyncSupported(true);
        ctx.addServletMappingDecoded("/*", "demo");
        // Static files through Tomcat's own DefaultServlet: files over 48 KiB go out by sendfile.
        byte[] big = new byte[STATIC_FILE_BYTES];
        java.util.Arrays.fill(big, (byte) 's');
        // DefaultServlet looks files up by servlet path + path info: /static/big.bin under the base
        java.nio.file.Path staticDir = Files.createDirectories(base.toPath().resolve("static"));
        Files.write(staticDir.resolve("big.bin"), big);
        staticDir.toFile().deleteOnExit();
        staticDir.resolve("big.bin").toFile().deleteOnExit();
        Tomcat.addServlet(ctx, "static", new org.apache.catalina.servlets.DefaultServlet());
        ctx.addServletMappingDecoded("/static/*", "static");
        tomcat.start();
        return tomcat;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            System.err.println(flag + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
