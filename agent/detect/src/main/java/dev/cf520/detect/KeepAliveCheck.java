package dev.cf520.detect;

import dev.cf520.config.AgentConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a connector's settings with the peer that pools connections to the origin. The
 * commonest intermittent 520: the origin closes an idle keep-alive connection (after 20-60 s by
 * default) that Cloudflare still holds for reuse (900 s); a request sent on it in the moment of
 * the close gets no response. The remedy is an origin idle timeout above the peer's.
 */
public final class KeepAliveCheck {
    /** Margin above the peer's idle timeout, so the peer always gives up on a connection first. */
    static final long MARGIN_MILLIS = 5_000;

    private final long upstreamIdleMillis;
    private final int edgeHeaderLimit;

    public KeepAliveCheck(AgentConfig config) {
        this.upstreamIdleMillis = config.upstreamIdleTimeout().toMillis();
        this.edgeHeaderLimit = config.maxResponseHeaderBytes();
    }

    /** True when the container closes idle connections before the peer stops reusing them. */
    public boolean idleRace(ConnectorSettings s) {
        return s.idleTimeoutMillis() > 0 && s.idleTimeoutMillis() < upstreamIdleMillis;
    }

    /** The idle timeout to set: the peer's plus a margin, in whole seconds. */
    public long recommendedIdleSeconds() {
        return (upstreamIdleMillis + MARGIN_MILLIS + 999) / 1000;
    }

    /** One sentence per risk in these settings, naming the setting, the Spring Boot property and the value. */
    public List<String> findings(ConnectorSettings s) {
        List<String> out = new ArrayList<>(2);
        Names n = Names.of(s.container());
        if (idleRace(s)) {
            long rec = recommendedIdleSeconds();
            out.add(s.container() + " connector on port " + s.port() + " closes idle keep-alive connections after "
                    + seconds(s.idleTimeoutMillis()) + " (" + n.idle + "), but the peer pooling connections to it reuses "
                    + "them for up to " + seconds(upstreamIdleMillis) + " (" + AgentConfig.UPSTREAM_IDLE_TIMEOUT
                    + "): a request sent as the origin closes one gets a 520. Set " + n.idle + " to "
                    + n.idleValue(rec) + (n.bootIdle == null ? "" : " (Spring Boot: " + n.bootIdle + "=" + rec + "s)"));
        }
        if (s.maxResponseHeaderBytes() > edgeHeaderLimit) {
            out.add(s.container() + " connector on port " + s.port() + " sends response header blocks of up to "
                    + Text.count(s.maxResponseHeaderBytes()) + " bytes (" + n.header + "), Cloudflare answers 520 "
                    + "above " + Text.count(edgeHeaderLimit) + ": set " + n.header + " to " + edgeHeaderLimit
                    + (n.bootHeader == null ? "" : " (Spring Boot: " + n.bootHeader + "=" + edgeHeaderLimit / 1024 + "KB)")
                    + " to get a clean 500 from the container instead");
        }
        return out;
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Text.count(millis / 1000) + " s" : Text.count(millis) + " ms";
    }

    /** Where each container keeps these settings (timeouts in ms), and the Spring Boot properties that set them. */
    private static final class Names {
        final String idle;
        final String bootIdle;
        final String header;
        final String bootHeader;

        private Names(String idle, String bootIdle, String header, String bootHeader) {
            this.idle = idle;
            this.bootIdle = bootIdle;
            this.header = header;
            this.bootHeader = bootHeader;
        }

        static Names of(String container) {
            switch (container) {
                case "tomcat":
                    return new Names("the connector's keepAliveTimeout", "server.tomcat.keep-alive-timeout",
                            "maxHttpResponseHeaderSize", "server.tomcat.max-http-response-header-size");
                case "jetty":
                    return new Names("the ServerConnector's idleTimeout", "server.jetty.connection-idle-timeout",
                            "HttpConfiguration.responseHeaderSize", "server.jetty.max-http-response-header-size");
                case "undertow":
                    return new Names("UndertowOptions.NO_REQUEST_TIMEOUT", "server.undertow.no-request-timeout",
                            "the response header limit", null);
                default:
                    return new Names("the idle timeout", null, "the response header limit", null);
            }
        }

        /** Every container takes this timeout in milliseconds. */
        String idleValue(long seconds) {
            return seconds * 1000 + " ms";
        }
    }
}
