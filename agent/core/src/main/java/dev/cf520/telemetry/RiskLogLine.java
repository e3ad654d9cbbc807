package dev.cf520.telemetry;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.RayId;
import dev.cf520.detect.Risk;
import dev.cf520.detect.Text;
import dev.cf520.log.Logs;
import java.util.List;
import org.slf4j.Logger;

/**
 * The one WARN line per risky exchange:
 * {@code cf520 520-risk ray=<ray or -> reason=<code> <method> <path> status=<n>: <detail>}.
 * Every value is escaped by the logger; rate limiting is the logger's.
 */
final class RiskLogLine {
    private static final Logger LOG = Logs.get(RiskLogLine.class);

    void ended(Exchange x, List<Risk> risks) {
        Risk primary = null;
        StringBuilder also = new StringBuilder();
        for (Risk r : risks) {
            if (r == x.slowRisk() || r == x.shutdownRisk()) {
                continue; // logged when the watchdog or the shutdown found it
            }
            if (primary == null) {
                primary = r;
            } else {
                also.append(also.length() == 0 ? " (also " : ", ").append(r.reason().code());
            }
        }
        if (primary != null) {
            log(x, primary, also.length() == 0 ? "" : also.append(')').toString());
        }
    }

    void running(Exchange x, Risk r) {
        log(x, r, "");
    }

    static String line(Exchange x, Risk r, String suffix) {
        RayId ray = RayId.parse(x.requestHeader(Exchange.CF_RAY));
        return "cf520 520-risk ray=" + (ray != null && ray.valid() ? ray.id() : "-") + " reason=" + r.reason().code()
                + " " + Text.sanitize(x.method(), 32) + " " + Text.sanitize(x.path())
                + " status=" + (x.status() > 0 ? Integer.toString(x.status()) : "-") + ": " + r.detail() + suffix;
    }

    private static void log(Exchange x, Risk r, String suffix) {
        LOG.warn(line(x, r, suffix));
    }
}
