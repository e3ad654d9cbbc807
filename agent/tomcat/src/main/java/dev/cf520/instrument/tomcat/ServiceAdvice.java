package dev.cf520.instrument.tomcat;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.Exchanges;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.ActionCode;
import org.apache.coyote.Request;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;

/** Inlined into {@code CoyoteAdapter.service(Request, Response)}. The coyote Request is the exchange key. */
public final class ServiceAdvice {
    private ServiceAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) Request req) {
        Exchange x = Exchanges.begin(req, req.method().toString(), req.requestURI().toString(),
                req.protocol().toString(), req.scheme().toString());
        if (x != null) {
            // one walk over the headers: req.getHeader(name) scans them all for each name; HTTP/1.1's parser gives
            // names as bytes, HTTP/2's as Strings
            MimeHeaders headers = req.getMimeHeaders();
            for (int i = 0, n = headers.size(); i < n; i++) {
                MessageBytes name = headers.getName(i);
                ByteChunk b = name.getByteChunk();
                int captured = name.getType() == MessageBytes.T_BYTES
                        ? Exchange.capturedHeader(b.getBuffer(), b.getStart(), b.getLength())
                        : Exchange.capturedHeader(name.toString());
                if (captured >= 0) {
                    x.requestHeader(captured, headers.getValue(i).toString());
                }
            }
            req.action(ActionCode.REQ_HOST_ADDR_ATTRIBUTE, req); // Tomcat fills remoteAddr lazily
            x.peer(req.remoteAddr().toString());
        }
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) Request req, @Advice.Thrown Throwable thrown) {
        if (thrown != null) {
            Exchanges.escaped(req, thrown); // an Error Tomcat rethrows: the connection is closed without a response
        }
        Exchange x = Exchanges.find(req);
        if (x != null) {
            // Tomcat fills scheme and (without a port in Host) the server port from the connector during service
            x.scheme(req.scheme().toString());
            x.server(req.serverName().toString(), req.getServerPort());
        }
        if (x != null && !x.judged()) {
            Exchanges.end(req); // HTTP/2 streams never pass through Http11OutputBuffer
        }
    }
}
