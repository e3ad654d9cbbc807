package dev.cf520.telemetry;

import dev.cf520.detect.EdgeVerifier;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.Text;
import dev.cf520.log.Logs;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A request carrying a CF-Ray from a peer that is neither Cloudflare nor a trusted proxy: someone
 * reaches the origin around Cloudflare (and its CF-* headers are theirs to invent). One WARN line,
 * then at most one a minute with the count in between.
 */
final class EdgeBypassLog {
    private static final Logger LOG = Logs.get(EdgeBypassLog.class);
    private static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final EdgeVerifier edge;
    private final AtomicLong since = new AtomicLong();
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);

    EdgeBypassLog(EdgeVerifier edge) {
        this.edge = edge;
    }

    void ended(Exchange x) {
        String ray = x.requestHeader(Exchange.CF_RAY);
        if (ray == null || !Boolean.FALSE.equals(edge.verify(x.peerAddress(), x.requestHeader(Exchange.X_FORWARDED_FOR)))) {
            return;
        }
        long count = since.incrementAndGet();
        long now = System.nanoTime();
        long due = next.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + PERIOD_NANOS)) {
            since.addAndGet(-count);
            String xff = x.requestHeader(Exchange.X_FORWARDED_FOR);
            LOG.warn("cf520 a request with CF-Ray {} did not come from Cloudflare (peer {}{}; cloudflare.edge_verified="
                    + "false): someone reaches this origin around Cloudflare ({} such request{} since the last line; "
                    + "cf520.trusted-proxies lists the proxies in front of the origin)", Text.sanitize(ray, 64),
                    Text.sanitize(String.valueOf(x.peerAddress()), 64),
                    xff == null ? "" : ", X-Forwarded-For " + Text.sanitize(xff, 128), count, count == 1 ? "" : "s");
        }
    }
}
