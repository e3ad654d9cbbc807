package dev.cf520.detect;

/**
 * The settings of one live connector that decide whether Cloudflare may reuse a connection the
 * origin has already closed, read from the container's own objects. -1 means unknown.
 */
public final class ConnectorSettings {
    private final String container;
    private final int port;
    private final long idleTimeoutMillis;
    private final int maxKeepAliveRequests;
    private final long maxResponseHeaderBytes;

    /**
     * @param container            the container family, e.g. {@code tomcat}, {@code jetty}, {@code undertow}
     * @param idleTimeoutMillis    how long an idle keep-alive connection stays open; 0 or less: forever
     * @param maxKeepAliveRequests requests served on one connection before the container closes it; -1: unlimited
     */
    public ConnectorSettings(String container, int port, long idleTimeoutMillis, int maxKeepAliveRequests,
            long maxResponseHeaderBytes) {
        this.container = container;
        this.port = port;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.maxKeepAliveRequests = maxKeepAliveRequests;
        this.maxResponseHeaderBytes = maxResponseHeaderBytes;
    }

    public String container() {
        return container;
    }

    public int port() {
        return port;
    }

    public long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    public int maxKeepAliveRequests() {
        return maxKeepAliveRequests;
    }

    public long maxResponseHeaderBytes() {
        return maxResponseHeaderBytes;
    }
}
