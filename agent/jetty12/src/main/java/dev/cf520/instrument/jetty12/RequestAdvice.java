package dev.cf520.instrument.jetty12;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import dev.cf520.detect.IdleCloses;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpChannelState;

/**
 * Inlined into {@code HttpChannelState.onRequest(MetaData.Request)}: the HTTP/1 stream (or an
 * HTTP/2 stream) has parsed a request and hands it to the channel, before any customizer or
 * Handler sees it. The channel's own request (HttpChannelState$ChannelRequest, one per exchange)
 * is the exchange key; its connection's EndPoint carries the bytes.
 */
public final class RequestAdvice {
    private RequestAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.This HttpChannelState channel, @Advice.Thrown Throwable thrown) {
        Request req = thrown == null ? channel.getRequest() : null;
        if (req == null) {
            return;
        }
        ConnectionMetaData meta = req.getConnectionMetaData();
        IdleCloses.requestStarted(meta.getConnection(), req);
        Exchange x = Exchanges.begin(req, req.getMethod(), req.getHttpURI().getPath(), meta.getProtocol(),
                req.isSecure() ? "https" : "http");
        if (x != null) {
            HttpFields headers = req.getHeaders();
            for (int i = 0, n = headers.size(); i < n; i++) { // one walk: headers.get(name) scans them all for each name
                HttpField f = headers.getField(i);
                x.requestHeader(f.getName(), f.getValue()); // a field's value is a String already: no cost for the others
            }
            x.peer(Request.getRemoteAddr(req));
            x.server(Request.getServerName(req), Request.getServerPort(req));
            if (x.judged()) { // one HTTP/1 exchange at a time per connection; HTTP/2 multiplexes, unjudged
                Exchanges.bindConnection(req, meta.getConnection().getEndPoint());
            }
        }
    }
}
