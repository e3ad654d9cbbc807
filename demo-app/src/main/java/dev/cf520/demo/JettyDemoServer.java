package dev.cf520.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ResourceServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The demo on embedded Jetty 12: {@link DemoServlet} in an ee10 ServletContextHandler (or, for
 * {@code --server jetty-handler}, {@link JettyHandlerDemo} as a plain core Handler, no servlets).
 * Jetty logs through slf4j: jetty-slf4j-impl with jetty-logging.properties keeps it at WARN.
 */
final class JettyDemoServer implements DemoServer {
    private final boolean coreHandler;
    private Server server;

    JettyDemoServer(boolean coreHandler) {
        this.coreHandler = coreHandler;
    }

    @Override
    public int start(String host, int port) throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        // Jetty refuses a response header block over 8 KiB by default (a clean 500 instead)
        config.setResponseHeaderSize(DemoOrigin.MAX_RESPONSE_HEADER_BYTES);
        config.setSendServerVersion(false);
        // HTTP/2 over cleartext for clients that ask (Upgrade: h2c): cf520 records such exchanges unjudged
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config),
                new HTTP2CServerConnectionFactory(config));
        connector.setHost(host);
        connector.setPort(port);
        if (DemoOrigin.idleTimeoutMillis >= 0) {
            connector.setIdleTimeout(DemoOrigin.idleTimeoutMillis); // Jetty's default: 30 s
        }
        server.addConnector(connector);
        server.setHandler(coreHandler ? new JettyHandlerDemo() : servlets());
        server.start();
        return connector.getLocalPort();
    }

    private static Handler servlets() throws Exception {
        Path base = Files.createTempDirectory("cf520-demo");
        base.toFile().deleteOnExit();
        DemoOrigin.writeStaticFile(base.resolve("static"));
        ServletContextHandler ctx = new ServletContextHandler("/");
        ctx.setBaseResource(ResourceFactory.root().newResource(base));
        ServletHolder demo = new ServletHolder("demo", new DemoServlet());
        demo.setAsyncSupported(true);
        ctx.addServlet(demo, "/*");
        // Jetty 12.1's static file servlet for a prefix mapping (DefaultServlet is for "/"): it serves
        // the path info (/big.bin) from its own base
        ServletHolder files = new ServletHolder("static", new ResourceServlet());
        files.setInitParameter("baseResource", base.resolve("static").toUri().toString());
        ctx.addServlet(files, "/static/*");
        return ctx;
    }

    @Override
    public String description() {
        return "Jetty " + Server.getVersion() + (coreHandler ? " core Handler" : " ee10");
    }

    @Override
    public void await() throws Exception {
        server.join();
    }

    @Override
    public void stop() throws Exception {
        server.stop();
    }
}
