package dev.cf520.telemetry;

import dev.cf520.detect.AgentErrors;
import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeSink;
import dev.cf520.detect.Risk;
import java.util.List;

/** Where judged exchanges become a span, metrics and a log line. Never throws into the container. */
final class TelemetrySink implements ExchangeSink {
    private final SpanWriter spans;
    private final RiskMetrics metrics;
    private final RiskLogLine log;
    private final boolean riskyTracesOnly;
    private final EdgeBypassLog bypass;

    TelemetrySink(SpanWriter spans, RiskMetrics metrics, RiskLogLine log, boolean riskyTracesOnly, EdgeBypassLog bypass) {
        this.spans = spans;
        this.metrics = metrics;
        this.log = log;
        this.riskyTracesOnly = riskyTracesOnly;
        this.bypass = bypass;
    }

    @Override
    public void exchangeEnded(Exchange x, List<Risk> risks) {
        try {
            if (!risks.isEmpty() || !riskyTracesOnly) {
                spans.write(x, risks);
            }
            metrics.ended(x, risks);
            if (!risks.isEmpty()) {
                log.ended(x, risks);
            }
            bypass.ended(x);
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
        } finally {
            x.release(); // all of the above is done with it: its wire record serves a later exchange
        }
    }

    @Override
    public void riskWhileRunning(Exchange x, Risk risk) {
        try {
            metrics.running(x, risk);
            log.running(x, risk);
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
        }
    }

    @Override
    public void riskAfterEnd(Exchange x, Risk risk) {
        try {
            spans.writeAfterEnd(x, risk);
            metrics.running(x, risk);
            log.running(x, risk);
        } catch (Throwable t) {
            AgentErrors.suppressed(t);
        }
    }
}
