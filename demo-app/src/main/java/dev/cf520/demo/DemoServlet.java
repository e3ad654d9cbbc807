package dev.cf520.demo;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's endpoints. Healthy ones answer cleanly; each {@code /fault/*} one makes Tomcat put a
 * specific fault on the wire (or try to: where Tomcat keeps a fault off the wire, the endpoint
 * stays to show that no risk is reported).
 */
public final class DemoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static final List<String> HEALTHY = List.of("/hello", "/json", "/download", "/stream", "/no-content",
            "/not-modified", "/redirect", "/unavailable", "/error-before-commit", "/async", "/async-timeout", "/async-error");
    static final List<String> FAULTY = List.of("/fault/no-response", "/fault/exception-after-commit",
            "/fault/truncated-body", "/fault/content-length-mismatch", "/fault/oversized-headers",
            "/fault/invalid-header", "/fault/control-char-header", "/fault/conflicting-framing",
            "/fault/invalid-status", "/fault/slow?seconds=130");

    static final int DOWNLOAD_BYTES = 5 * 1024 * 1024;
    static final long UPLOAD_LIMIT_BYTES = 1024 * 1024;
    /** Printed with the endpoints: a POST whose body is answered without being read, when it is too large. */
    static final String UPLOAD = "POST /upload (over 1 MiB: an early 413, the body left unread)";

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI();
        switch (path) {
            case "/": case "/hello": text(resp, "hello from the cf520 demo origin\n"); break;
            case "/json": json(resp); break;
            case "/download": download(resp, intParam(req, "size", DOWNLOAD_BYTES)); break;
            case "/stream": stream(resp); break;
            case "/no-content": resp.setStatus(204); break;
            case "/not-modified": resp.setStatus(304); break;
            case "/redirect": resp.sendRedirect("/hello"); break;
            case "/unavailable": resp.sendError(503, "demo: down for maintenance"); break;
            case "/error-before-commit": throw new IllegalStateException("demo: failed before writing anything");
            case "/async": async(req); break;
            case "/async-timeout": req.startAsync().setTimeout(300); break;
            case "/async-error": req.startAsync().dispatch("/error-before-commit"); break;
            case "/fault/no-response": noResponse(); break;
            case "/fault/exception-after-commit": exceptionAfterCommit(resp); break;
            case "/fault/truncated-body": truncatedBody(resp); break;
            case "/fault/content-length-mismatch": contentLengthMismatch(resp); break;
            case "/fault/oversized-headers": oversizedHeaders(resp); break;
            case "/fault/invalid-header": resp.addHeader("X-Demo Bad", "a space in the name"); text(resp, "bad header name\n"); break;
            case "/fault/control-char-header": resp.addHeader("X-Demo-Ctl", "a\u0001b"); text(resp, "control byte in a value\n"); break;
            case "/fault/conflicting-framing": conflictingFraming(resp); break;
            case "/fault/invalid-status": resp.setStatus(600); text(resp, "status 600\n"); break;
            case "/fault/slow": slow(resp, intParam(req, "seconds", 130)); break;
            case "/upload": upload(req, resp); break;
            default: resp.sendError(404);
        }
    }

    /**
     * The common early reject: an upload over the limit is answered 413 from its Content-Length, without
     * reading the body. What the container does with the unread bytes decides whether the edge sees a reset.
     */
    private static void upload(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getContentLengthLong() > UPLOAD_LIMIT_BYTES) {
            resp.setStatus(413);
            text(resp, "demo: uploads are limited to 1 MiB\n");
            return;
        }
        long received = 0;
        byte[] buf = new byte[16 * 1024];
        for (int n; (n = req.getInputStream().read(buf)) > 0; ) {
            received += n;
        }
        text(resp, "received " + received + " bytes\n");
    }

    private static void text(HttpServletResponse resp, String body) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write(body);
    }

    private static void json(HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json");
        byte[] body = "{\"origin\":\"cf520-demo\",\"ok\":true}\n".getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private static void download(HttpServletResponse resp, int size) throws IOException {
        resp.setContentType("application/octet-stream");
        resp.setContentLengthLong(size);
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 'x');
        ServletOutputStream out = resp.getOutputStream();
        for (int left = size; left > 0; left -= block.length) {
            out.write(block, 0, Math.min(left, block.length));
        }
    }

    private static void stream(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        ServletOutputStream out = resp.getOutputStream();
        for (int i = 1; i <= 10; i++) {
            out.write(("line " + i + " of a chunked stream\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static void async(HttpServletRequest req) {
        AsyncContext ac = req.startAsync();
        ac.start(() -> {
            try {
                text((HttpServletResponse) ac.getResponse(), "answered from another thread\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                ac.complete();
            }
        });
    }

    /** An Error Tomcat does not handle: it closes the connection without writing a status line. */
    private static void noResponse() {
        long[] impossible = new long[Integer.MAX_VALUE]; // "Requested array size exceeds VM limit"
        throw new IllegalStateException("unreachable " + impossible.length);
    }

    /** Commit part of a chunked body, then crash: Tomcat aborts the connection mid-body. */
    private static void exceptionAfterCommit(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getOutputStream().write(new byte[1000]);
        resp.flushBuffer();
        recurse(0);
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1; // StackOverflowError
    }

    /** Declare 10,000 bytes, send 412: the edge waits for bytes that never come. */
    private static void truncatedBody(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.setContentLength(10_000);
        resp.getOutputStream().write(new byte[412]);
    }

    /** Declare 10 bytes, write 100: Tomcat trims the body to the declared length, so nothing reaches the wire. */
    private static void contentLengthMismatch(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.setContentLength(10);
        resp.getOutputStream().write(new byte[100]);
    }

    /** About 140 KB of Set-Cookie headers, over Cloudflare's 128 KB response header limit. */
    private static void oversizedHeaders(HttpServletResponse resp) throws IOException {
        char[] value = new char[3500];
        Arrays.fill(value, 'c');
        for (int i = 0; i < 40; i++) {
            resp.addHeader("Set-Cookie", "demo" + i + "=" + new String(value) + "; Path=/");
        }
        text(resp, "40 cookies of 3.5 KB each\n");
    }

    /** Content-Length set by the servlet, Transfer-Encoding too: Tomcat passes the second one through. */
    private static void conflictingFraming(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.setContentLength(5);
        resp.setHeader("Transfer-Encoding", "chunked");
        resp.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
    }

    private static void slow(HttpServletResponse resp, int seconds) throws IOException {
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        text(resp, "answered after " + seconds + " s\n");
    }

    private static int intParam(HttpServletRequest req, String name, int def) {
        String v = req.getParameter(name);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return def;
        }
    }
}
