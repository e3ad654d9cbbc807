package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.ajp.AjpServerConnection;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import io.undertow.util.HeaderMap;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code Connectors.executeRootHandler(HttpHandler, HttpServerExchange)}: Undertow hands a
 * parsed request to the root handler (servlet deployment or plain HttpHandler). The same exchange
 * comes back here on every dispatch to a worker thread and on async servlet dispatches: only the
 * first call begins it. The HttpServerExchange is the exchange key; an HTTP/1.x exchange is bound to
 * its StreamConnection, the object the socket conduits know. AJP is not covered (its framing is not HTTP).
 * An h2c upgrade request is left to the HTTP/2 stream Undertow runs it as (unjudged), as Tomcat does.
 */
public final class RootHandlerAdvice {
    private RootHandlerAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(1) HttpServerExchange exchange) {
        ServerConnection c = exchange.getConnection();
        HeaderMap headers = exchange.getRequestHeaders();
        if (exchange.isComplete() || c instanceof AjpServerConnection || Exchanges.find(exchange) != null
                || c instanceof HttpServerConnection && "h2c".equals(headers.getFirst("Upgrade"))
                        && headers.contains("HTTP2-Settings") && c.getUndertowOptions().get(UndertowOptions.ENABLE_HTTP2, false)) {
            return; // an h2c upgrade: Http2UpgradeHandler answers 101 and runs the request again as HTTP/2 stream 1
        }
        // stream 1 of an h2c upgrade (same request headers, Upgrade included) has no protocol until the upgrade's handler sets it
        String protocol = c instanceof Http2ServerConnection ? "HTTP/2.0" : String.valueOf(exchange.getProtocol());
        Exchange x = Exchanges.begin(exchange, exchange.getRequestMethod().toString(), exchange.getRequestURI(),
                protocol, exchange.getRequestScheme());
        if (x == null) {
            return;
        }
        for (String name : Exchange.CAPTURED_REQUEST_HEADERS) {
            x.requestHeader(name, headers.getFirst(name));
        }
        InetSocketAddress peer = c.getPeerAddress(InetSocketAddress.class);
        if (peer != null && peer.getAddress() != null) {
            x.peer(peer.getAddress().getHostAddress());
        }
        x.server(exchange.getHostName(), exchange.getHostPort());
        if (x.judged() && c instanceof HttpServerConnection) {
            Exchanges.bindConnection(exchange, ((HttpServerConnection) c).getChannel()); // HTTP/2: unjudged, unbound
        }
    }
}
