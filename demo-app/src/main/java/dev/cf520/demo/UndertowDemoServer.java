package dev.cf520.demo;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletStackTraces;
import io.undertow.servlet.handlers.DefaultServlet;
import io.undertow.util.Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The demo on embedded Undertow 2.3, HTTP/1.1 with h2c upgrade. {@code --server undertow}: a servlet deployment with
 * {@link DemoServlet} on /* and Undertow's DefaultServlet on /static/*. {@code --server undertow-handler}:
 * no servlet layer at all, a plain {@link HttpHandler} with a few endpoints (see {@link #plainHandler}).
 * Undertow has no limit on the response header block it writes (its MAX_HEADER_SIZE is for requests),
 * so there is nothing to raise to {@link DemoOrigin#MAX_RESPONSE_HEADER_BYTES}.
 */
final class UndertowDemoServer implements DemoServer {
    /** Undertow and XNIO log through jboss-logging, here to java.util.logging; held strongly (see TomcatDemoServer). */
    private static final Logger[] QUIET = {Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"),
        Logger.getLogger("org.jboss")};

    /** System property: a PKCS12 key store (password changeit); when set, an HTTPS listener is added on a free port. */
    static final String HTTPS_KEYSTORE = "cf520.demo.https-keystore";

    static final String PLAIN_HELLO = "hello from a plain Undertow HttpHandler\n";

    private final boolean servlets;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Undertow undertow;

    UndertowDemoServer(boolean servlets) {
        this.servlets = servlets;
    }

    @Override
    public int start(String host, int port) throws Exception {
        System.setProperty("org.jboss.logging.provider", "jdk"); // whatever else is on the class path
        for (Logger l : QUIET) {
            l.setLevel(Level.WARNING); // no "XNIO version" and the like at INFO
        }
        Undertow.Builder builder = Undertow.builder();
        String keystore = System.getProperty(HTTPS_KEYSTORE);
        if (keystore != null) {
            builder.addHttpsListener(0, host, tls(keystore)); // the second listener; its port is printed on a line of its own
        }
        if (DemoOrigin.idleTimeoutMillis >= 0) { // Undertow's keep-alive idle timeout (60 s when unset)
            builder.setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) DemoOrigin.idleTimeoutMillis);
        }
        undertow = builder
                .addHttpListener(port, host)
                // HTTP/2 over cleartext for clients that ask (Upgrade: h2c): cf520 records such exchanges unjudged
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .setHandler(servlets ? servletDeployment() : new BlockingHandler(UndertowDemoServer::plainHandler))
                .build();
        undertow.start();
        int plainPort = -1;
        for (Undertow.ListenerInfo l : undertow.getListenerInfo()) {
            int p = ((InetSocketAddress) l.getAddress()).getPort();
            if (l.getProtcol().equals("https")) {
                System.out.println("cf520 demo origin also on https://" + host + ":" + p);
            } else {
                plainPort = p;
            }
        }
        return plainPort;
    }

    /** A PKCS12 key store (password {@code changeit}) for the HTTPS listener. */
    private static SSLContext tls(String keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static HttpHandler servletDeployment() throws Exception {
        Path base = Files.createTempDirectory("cf520-demo");
        base.toFile().deleteOnExit();
        Path staticDir = base.resolve("static");
        DemoOrigin.writeStaticFile(staticDir);
        // DefaultServlet resolves the path info (/big.bin) against the resource manager: files go out by transferTo
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowDemoServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("cf520-demo")
                .setServletStackTraces(ServletStackTraces.NONE) // the default shows stack traces to local clients
                .setResourceManager(new PathResourceManager(staticDir))
                // loaded at start, as Tomcat does, rather than on the first request
                .addServlet(Servlets.servlet("demo", DemoServlet.class).addMapping("/*").setAsyncSupported(true)
                        .setLoadOnStartup(1))
                .addServlet(Servlets.servlet("static", DefaultServlet.class).addMapping("/static/*").setLoadOnStartup(1));
        DeploymentManager manager = Servlets.defaultContainer().addDeployment(deployment);
        manager.deploy();
        return manager.start();
    }

    /**
     * Runs on a worker thread with blocking I/O (BlockingHandler): /hello, /fault/truncated-body
     * (Content-Length 10000, 412 bytes, then the handler returns), /fault/exception-after-commit (a
     * chunked body flushed, then a throw) and /fault/exception-after-commit-fixed (the same with a
     * declared Content-Length).
     */
    static void plainHandler(HttpServerExchange exchange) throws Exception {
        OutputStream out;
        switch (exchange.getRequestPath()) {
            case "/hello":
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain;charset=UTF-8");
                exchange.getResponseSender().send(PLAIN_HELLO, StandardCharsets.UTF_8);
                break;
            case "/fault/truncated-body":
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 10_000);
                out = exchange.getOutputStream();
                out.write(new byte[412]);
                out.flush(); // unflushed, UndertowOutputStream.close() would rewrite Content-Length to the 412 bytes it holds
                break;
            case "/fault/exception-after-commit":
            case "/fault/exception-after-commit-fixed":
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                if (exchange.getRequestPath().endsWith("-fixed")) {
                    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 10_000);
                }
                out = exchange.getOutputStream();
                out.write(new byte[1000]);
                out.flush();
                throw new IllegalStateException("demo: failed after the response was committed");
            default:
                exchange.setStatusCode(404);
        }
    }

    @Override
    public String description() {
        return "Undertow " + io.undertow.Version.getVersionString() + (servlets ? "" : ", plain HttpHandler");
    }

    @Override
    public void await() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void stop() throws Exception {
        undertow.stop();
        stopped.countDown();
    }
}
