package dev.cf520.instrument.jetty9;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;

/**
 * Inlined into {@code HttpChannel.onRequest(MetaData.Request)}, after Jetty set the parsed request on its
 * Request. The HttpChannel (one per HTTP/1.1 connection, reused by its requests) is the exchange key.
 */
public final class RequestAdvice {
    private RequestAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This HttpChannel channel, @Advice.Argument(0) MetaData.Request meta) {
        Request req = channel.getRequest();
        Exchange x = Exchanges.begin(channel, meta.getMethod(), meta.getURI().getPath(),
                meta.getHttpVersion() == null ? null : meta.getHttpVersion().asString(), req.getScheme());
        if (x == null) {
            return;
        }
        HttpFields fields = meta.getFields();
        for (int i = 0, n = fields.size(); i < n; i++) { // one walk: fields.get(name) scans them all for each name
            HttpField f = fields.getField(i);
            x.requestHeader(f.getName(), f.getValue()); // a field's value is a String already: no cost for the others
        }
        InetSocketAddress peer = channel.getRemoteAddress();
        if (peer != null && peer.getAddress() != null) {
            x.peer(peer.getAddress().getHostAddress());
        }
        x.server(req.getServerName(), req.getServerPort());
        if (x.judged()) {
            // HTTP/1.x only: an HTTP/2 stream shares its connection's EndPoint with the other streams
            Exchanges.bindConnection(channel, channel.getEndPoint());
        }
    }
}
