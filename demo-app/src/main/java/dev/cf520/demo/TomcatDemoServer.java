package dev.cf520.demo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** The demo on embedded Tomcat (10.1 or 11, whichever is on the class path), HTTP/1.1 with h2c upgrade. */
final class TomcatDemoServer implements DemoServer {
    /**
     * java.util.logging holds loggers weakly: without this reference a garbage collection between
     * setting the level and Tomcat creating its loggers loses the level, and Tomcat's INFO lines appear.
     */
    private static final Logger TOMCAT_LOGGER = Logger.getLogger("org.apache");

    private Tomcat tomcat;

    @Override
    public int start(String host, int port) throws Exception {
        TOMCAT_LOGGER.setLevel(Level.WARNING);
        File base = Files.createTempDirectory("cf520-demo").toFile();
        base.deleteOnExit();
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        connector.setPort(port);
        connector.setProperty("address", host);
        // Tomcat refuses to send a response header block over 8 KiB by default (a clean 500 instead)
        connector.setProperty("maxHttpResponseHeaderSize", Integer.toString(DemoOrigin.MAX_RESPONSE_HEADER_BYTES));
        if (DemoOrigin.idleTimeoutMillis >= 0) {
            connector.setProperty("keepAliveTimeout", Long.toString(DemoOrigin.idleTimeoutMillis));
        }
        // HTTP/2 over cleartext for clients that ask (Upgrade: h2c): cf520 records such exchanges unjudged
        connector.addUpgradeProtocol(new org.apache.coyote.http2.Http2Protocol());
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(ctx, "demo", new DemoServlet()).setAsyncSupported(true);
        ctx.addServletMappingDecoded("/*", "demo");
        // Static files through Tomcat's own DefaultServlet: files over 48 KiB go out by sendfile.
        // DefaultServlet looks files up by servlet path + path info: /static/big.bin under the base.
        DemoOrigin.writeStaticFile(base.toPath().resolve("static"));
        Tomcat.addServlet(ctx, "static", new org.apache.catalina.servlets.DefaultServlet());
        ctx.addServletMappingDecoded("/static/*", "static");
        tomcat.start();
        return connector.getLocalPort();
    }

    @Override
    public String description() {
        return "Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber();
    }

    @Override
    public void await() {
        tomcat.getServer().await();
    }

    @Override
    public void stop() throws Exception {
        tomcat.stop();
    }
}
