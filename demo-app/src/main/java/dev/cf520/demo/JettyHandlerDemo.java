package dev.cf520.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * A few of the demo's endpoints through Jetty 12's core Handler API, without servlets
 * ({@code --server jetty-handler}): proof that cf520 hooks Jetty below the servlet layer.
 */
final class JettyHandlerDemo extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        switch (Request.getPathInContext(request)) {
            case "/hello":
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=UTF-8");
                response.write(true, ByteBuffer.wrap("hello from a core Handler\n".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            case "/fault/truncated-body":
                // declare 10,000 bytes, send 412, then report success: the edge waits for the rest
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 10_000L);
                response.write(false, ByteBuffer.allocate(412), Callback.from(callback::succeeded, callback::failed));
                return true;
            case "/fault/exception-after-commit":
                // commit a chunked head and 1000 bytes, then throw out of handle()
                try (Blocker.Callback written = Blocker.callback()) {
                    response.write(false, ByteBuffer.allocate(1000), written);
                    written.block();
                }
                throw new IllegalStateException("demo: failed after the response was committed");
            default:
                return false; // Jetty answers 404
        }
    }
}
