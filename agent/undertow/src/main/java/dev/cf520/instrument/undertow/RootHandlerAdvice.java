package dev.cf520.instrument.undertow;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.ajp.AjpServerConnection;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.HeaderMap;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code Connectors.executeRootHandler(HttpHandler, HttpServerExchange)}: Undertow hands a
 * parsed request to the root handler (servlet deployment or plain HttpHandler). The same exchange
 * comes back here on every dispatch to a worker thread and on async servlet dispatches: only the
 * first call begins it. The HttpServerExchange is the exchange key; an HTTP/1.x exchange is bound to
 * its StreamConnection, the object the socket conduits know. AJP is not covered (its framing is not HTTP).
 */
public final class RootHandlerAdvice {
    private RootHandlerAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(1) HttpServerExchange exchange) {
        ServerConnection c = exchange.getConnection();
        if (exchange.isComplete() || c instanceof AjpServerConnection || Exchanges.find(exchange) != null) {
            return;
        }
        Exchange x = Exchanges.begin(exchange, exchange.getRequestMethod().toString(), exchange.getRequestURI(),
                exchange.getProtocol().toString(), exchange.getRequestScheme());
        if (x == null) {
            return;
        }
        HeaderMap headers = exchange.getRequestHeaders();
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
