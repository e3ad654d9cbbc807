package dev.cf520.detect;

import dev.cf520.config.AgentConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Decides, from what reached the wire, which faults of an ended exchange make Cloudflare answer
 * the visitor with an error. What caused a fault (an Error, an exception) does not choose the
 * reason; it is reported beside it.
 */
public final class RiskRules {
    private final int maxHeaderBytes;
    private final long readTimeoutMillis;

    public RiskRules(AgentConfig config) {
        this.maxHeaderBytes = config.maxResponseHeaderBytes();
        this.readTimeoutMillis = config.edgeReadTimeout().toMillis();
    }

    /** The risks of an ended exchange, primary reason first; empty for a healthy one. */
    public List<Risk> evaluate(Exchange x) {
        if (!x.judged()) {
            return List.of();
        }
        List<Risk> risks = new ArrayList<>(0); // grows only for a risky exchange
        if (x.slowRisk() != null) {
            risks.add(x.slowRisk());
        }
        if (x.shutdownRisk() != null) {
            risks.add(x.shutdownRisk());
        }
        long at = x.endEpochNanos();
        ResponseWire w = x.response();
        HeaderBlock h = w == null ? null : w.finalHead();
        // A peer that went away is no risk by itself; but a header block already handed to the wire is
        // judged as written, since a bad one is what makes an edge hang up (nginx closes as soon as it
        // has read 128 KiB of an oversized block, and the rest of the write fails with a broken pipe).
        if (h == null) {
            if (x.slowRisk() == null && x.shutdownRisk() == null && !x.clientAbort()) {
                int partial = w == null ? 0 : w.partialHeadBytes();
                long ms = x.durationNanos() / 1_000_000L;
                String what = partial > 0
                        ? "the connection was closed " + Text.count(ms) + " ms into the exchange, after "
                                + Text.count(partial) + " bytes of an unfinished header block"
                        : "the connection was closed " + Text.count(ms) + " ms into the exchange, before any response byte";
                risks.add(new Risk(Reason.NO_RESPONSE, Phase.BEFORE_HEADERS, what + causeClause(x), at));
            }
            return sorted(risks);
        }
        if (!h.validStatus()) {
            risks.add(new Risk(Reason.INVALID_STATUS, Phase.BEFORE_HEADERS, "status line carries status \""
                    + Text.sanitize(h.statusText(), 16) + "\" (" + Text.sanitize(h.version(), 16)
                    + "), outside 100-599", at));
        }
        if (h.totalBytes() > maxHeaderBytes) {
            risks.add(new Risk(Reason.OVERSIZED_HEADERS, Phase.BEFORE_HEADERS, oversized(h), at));
        }
        if (!h.headerProblems().isEmpty()) {
            risks.add(new Risk(Reason.INVALID_HEADER, Phase.BEFORE_HEADERS, first(h.headerProblems()), at));
        }
        if (!h.framingProblems().isEmpty() || w.chunkError() != null) {
            List<String> framing = new ArrayList<>(h.framingProblems());
            if (w.chunkError() != null) {
                framing.add("invalid chunked framing: " + w.chunkError());
            }
            risks.add(new Risk(Reason.CONFLICTING_FRAMING, Phase.BEFORE_HEADERS, first(framing), at));
        }
        body(x, w, at, risks);
        if (x.resetRisk() != null) {
            risks.add(x.resetRisk());
        }
        return sorted(risks);
    }

    private void body(Exchange x, ResponseWire w, long at, List<Risk> risks) {
        boolean cut = !w.complete() && w.framing() != ResponseWire.Framing.CLOSE && w.chunkError() == null;
        if (x.originAborted() && !x.clientAbort()) {
            Phase phase = w.complete() ? Phase.AFTER_BODY : Phase.DURING_BODY;
            risks.add(new Risk(Reason.EXCEPTION_AFTER_COMMIT, phase, "the container aborted the connection after "
                    + Text.count(w.payloadBytes()) + " body bytes, with status " + x.status() + " already sent"
                    + causeClause(x), at));
        }
        if (cut && !x.clientAbort()) {
            String detail = w.framing() == ResponseWire.Framing.LENGTH
                    ? "declared Content-Length " + Text.count(w.declaredLength()) + ", " + Text.count(w.payloadBytes())
                            + " bytes written before the exchange ended"
                    : "chunked body ended without its last chunk after " + Text.count(w.payloadBytes())
                            + " content bytes";
            risks.add(new Risk(Reason.TRUNCATED_BODY, Phase.DURING_BODY, detail + causeClause(x), at));
        }
        if (w.excessBytes() > 0) {
            String declared = w.framing() == ResponseWire.Framing.LENGTH
                    ? "declared Content-Length " + Text.count(w.declaredLength())
                    : "a response that " + (w.framing() == ResponseWire.Framing.CHUNKED ? "had ended with its last chunk"
                            : "allows no body");
            risks.add(new Risk(Reason.CONTENT_LENGTH_MISMATCH, Phase.AFTER_BODY, declared + ", "
                    + Text.count(w.excessBytes()) + " more bytes written after it", at));
        }
    }

    /** The risk of an exchange in flight when the server shut down. */
    public Risk shutdown(Exchange x, long nowNanos, String container) {
        if (!x.judged()) {
            return null;
        }
        long ms = (nowNanos - x.startNanos()) / 1_000_000L;
        return new Risk(Reason.SHUTDOWN_INFLIGHT, x.headWritten() ? Phase.DURING_BODY : Phase.BEFORE_HEADERS,
                "the " + container + " server shut down " + Text.count(ms) + " ms into the exchange, "
                        + (x.headWritten() ? "after the response headers" : "before any response header"),
                x.startEpochNanos() + (nowNanos - x.startNanos()));
    }

    /**
     * The risk of a connection the container closes with request bytes it never read (a body the
     * application left unread and the container would not drain, or a pipelined request): the
     * kernel answers a close with unread data, and any data that arrives after it, with a TCP RST.
     * A peer that has not yet read the response loses it to the reset, and one still sending the
     * request fails mid-send; Cloudflare counts an origin reset as a 520.
     */
    public Risk reset(Exchange x, int unreadBytes, long nowNanos, String container) {
        if (!x.judged()) {
            return null;
        }
        Phase phase = !x.headWritten() ? Phase.BEFORE_HEADERS
                : x.responseComplete() ? Phase.AFTER_BODY : Phase.DURING_BODY;
        return new Risk(Reason.CONNECTION_RESET, phase,
                "the " + container + " server closed the connection with " + Text.count(unreadBytes)
                        + " request bytes unread: the peer gets a TCP reset", x.startEpochNanos() + (nowNanos - x.startNanos()));
    }

    /** The watchdog's risk for an exchange still waiting for its headers; null while in time. */
    public Risk slow(Exchange x, long nowNanos) {
        if (!x.judged() || x.headWritten()) {
            return null;
        }
        long waited = (nowNanos - x.startNanos()) / 1_000_000L;
        if (waited < readTimeoutMillis) {
            return null;
        }
        return new Risk(Reason.SLOW_RESPONSE, Phase.BEFORE_HEADERS, "no response headers after "
                + seconds(waited) + " s, the edge's read timeout is " + seconds(readTimeoutMillis) + " s",
                x.startEpochNanos() + (nowNanos - x.startNanos()));
    }

    private String oversized(HeaderBlock h) {
        StringBuilder b = new StringBuilder("response header block is ").append(Text.count(h.totalBytes()))
                .append(" bytes (limit ").append(Text.count(maxHeaderBytes)).append(") in ")
                .append(h.headerCount()).append(" headers");
        if (h.setCookieCount() > 0) {
            b.append(", ").append(h.setCookieCount()).append(" Set-Cookie headers total ")
                    .append(Text.count(h.setCookieBytes())).append(" bytes");
        }
        b.append("; largest header \"").append(Text.sanitize(h.largestHeaderName(), 64)).append("\" ")
                .append(Text.count(h.largestHeaderBytes())).append(" bytes");
        return b.toString();
    }

    private static String causeClause(Exchange x) {
        return x.cause() == null ? "" : " (" + x.cause().getClass().getName() + ")";
    }

    private static String first(List<String> problems) {
        return problems.size() == 1 ? problems.get(0)
                : problems.get(0) + " (and " + (problems.size() - 1) + " more)";
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000)
                : String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0);
    }

    private static List<Risk> sorted(List<Risk> risks) {
        if (risks.isEmpty()) {
            return List.of();
        }
        if (risks.size() > 1) {
            risks.sort((a, b) -> Integer.compare(a.reason().ordinal(), b.reason().ordinal()));
        }
        return Collections.unmodifiableList(risks);
    }
}
