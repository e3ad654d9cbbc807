package dev.cf520.demo;

/** One container running {@link DemoServlet} on /* (and static files on /static/*), chosen by {@code --server}. */
interface DemoServer {
    /** Starts listening; returns the port actually bound (the port asked for may be 0). */
    int start(String host, int port) throws Exception;

    /** e.g. {@code Tomcat 11.0.27}, printed on the "listening" line. */
    String description();

    /** Blocks until the server stops. */
    void await() throws Exception;

    /** Stops the container, as a framework does on SIGTERM (Spring Boot closes its context, which stops the server). */
    void stop() throws Exception;
}
