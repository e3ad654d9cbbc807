package dev.cf520.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The shared catalogue: every demo endpoint, what must be on the wire, and what cf520 must report.
 * Where Tomcat keeps a fault off the wire, the case says so ({@code why}) and expects no risk.
 */
final class Catalog {

    static final class Case {
        final String path;
        final List<String> reasons;
        final Integer status;
        final Integer predicted;
        final String cause;
        final Consumer<RawHttp.Response> wire;
        final String why;
        /** The exception.type of the span's exception event, or null when there must be none. */
        final String exception;
        /** False for a case a container cannot run at all ({@code why} says why). */
        boolean applicable = true;

        Case(String path, List<String> reasons, Integer status, Integer predicted, String cause,
                Consumer<RawHttp.Response> wire, String why, String exception) {
            this.path = path;
            this.reasons = reasons;
            this.status = status;
            this.predicted = predicted;
            this.cause = cause;
            this.wire = wire;
            this.why = why;
            this.exception = exception;
        }

        boolean risky() {
            return !reasons.isEmpty();
        }

        @Override
        public String toString() {
            return path + (risky() ? " -> " + reasons : " -> no risk");
        }
    }

    static Case healthy(String path, int status, Consumer<RawHttp.Response> wire) {
        return new Case(path, List.of(), status, null, null, wire, null, null);
    }

    /** Healthy on the wire (the container answered cleanly), but the application threw. */
    static Case healthyAfterException(String path, int status, String exception, Consumer<RawHttp.Response> wire) {
        return new Case(path, List.of(), status, null, null, wire, null, exception);
    }

    static Case keptOffTheWire(String path, int status, String why, Consumer<RawHttp.Response> wire) {
        return new Case(path, List.of(), status, null, null, wire, why, null);
    }

    static Case risk(String path, List<String> reasons, Integer status, int predicted, String cause,
            Consumer<RawHttp.Response> wire) {
        return new Case(path, reasons, status, predicted, cause, wire, null, cause);
    }

    static Consumer<RawHttp.Response> complete(int status) {
        return r -> {
            assertEquals(status, r.status(), "status on the wire");
            String cl = r.header("content-length");
            if (cl != null && r.header("transfer-encoding") == null) {
                assertEquals(Integer.parseInt(cl), r.bodyBytes(), "body bytes vs Content-Length");
            }
            if ("chunked".equalsIgnoreCase(r.header("transfer-encoding"))) {
                assertTrue(r.endsWithLastChunk(), "chunked body ends with its last chunk");
            }
        };
    }

    /** Every container the catalogue runs against. */
    enum Container {
        TOMCAT, TOMCAT9, JETTY12, JETTY9, UNDERTOW, BOOT4_TOMCAT, BOOT3_UNDERTOW
    }

    /**
     * The catalogue for one container: the shared cases, with the container's own differences
     * (each with its reason) in place of the shared case for the same path.
     */
    static List<Case> of(Container container) {
        Map<String, Case> differences = new LinkedHashMap<>();
        for (Case d : differences(container)) {
            differences.put(d.path, d);
        }
        List<Case> cases = new ArrayList<>();
        for (Case c : shared()) {
            Case d = differences.remove(c.path);
            if (d == null || d.applicable) {
                cases.add(d == null ? c : d);
            }
        }
        cases.addAll(differences.values()); // container-only cases
        return cases;
    }

    /** Tomcat 10.1 and 11: the reference the shared cases were written against. */
    static List<Case> tomcat() {
        return of(Container.TOMCAT);
    }

    /** A case that does not apply to a container ({@code why} says why); it is left out of its run. */
    static Case notApplicable(String path, String why) {
        Case c = new Case(path, List.of(), null, null, null, r -> { }, why, null);
        c.applicable = false;
        return c;
    }

    private static List<Case> differences(Container container) {
        switch (container) {
            case TOMCAT:
                return List.of();
            case JETTY12:
                return jetty12Differences();
            case TOMCAT9:
                return tomcat9Differences();
            case JETTY9:
                return jetty9Differences();
            case UNDERTOW:
                return undertowDifferences();
            case BOOT4_TOMCAT:
                return boot4TomcatDifferences();
            case BOOT3_UNDERTOW:
                return boot3UndertowDifferences();
            default:
                throw new IllegalArgumentException("no catalogue for " + container + " yet");
        }
    }

    /**
     * Jetty 12.1 ee10 (ServletChannel, HttpOutput, HttpGenerator): where it keeps a fault off the wire.
     * The faults it does put on the wire (exception after commit, oversized headers, a space in a
     * header name, status 600) and its control-byte sanitising (HttpGenerator writes "a b") are as
     * in the shared cases; static files go through ordinary socket writes (no sendfile).
     */
    private static List<Case> jetty12Differences() {
        return List.of(
                new Case("/fault/no-response", List.of(), 500, null, null, complete(500),
                        "ServletChannel.handleException catches every Throwable, OutOfMemoryError included, and with"
                                + " nothing committed answers a clean 500 from the ErrorHandler",
                        "java.lang.OutOfMemoryError"),
                keptOffTheWire("/fault/truncated-body", 500,
                        "ServletChannel's COMPLETE action sees HttpOutput.isContentIncomplete() (412 < 10,000) before"
                                + " anything was committed (the 412 bytes sat in the output buffer) and sends a 500"
                                + " instead (\"Insufficient content written\")", complete(500)),
                new Case("/fault/content-length-mismatch", List.of(), 500, null, null, complete(500),
                        "HttpOutput refuses a write past the declared Content-Length (IllegalStateException \"too"
                                + " much content written\") before committing; the servlet's exception becomes a 500",
                        "java.lang.IllegalStateException"),
                keptOffTheWire("/fault/conflicting-framing", 200,
                        "HttpGenerator.generateHeaders takes a Transfer-Encoding with chunked as the framing and"
                                + " never writes the application's Content-Length beside it", r -> {
                                    complete(200).accept(r);
                                    assertEquals("chunked", r.header("transfer-encoding"));
                                    assertEquals(null, r.header("content-length"));
                                    assertEquals(5, r.payloadBytes());
                                }));
    }

    /**
     * Tomcat 9.0 (javax) puts every shared case on the wire as Tomcat 10.1/11 does: the connector code
     * below the servlet API (Http11OutputBuffer, IdentityOutputFilter, the header value sanitising,
     * sendfile for static files over 48 KiB, closing the connection on a VirtualMachineError) is the same
     * code in the three lines, only the servlet API package differs.
     */
    private static List<Case> tomcat9Differences() {
        return List.of();
    }

    /** Jetty 9.4 (javax): what its HttpChannel and HttpGenerator put on the wire where Tomcat differs. */
    private static List<Case> jetty9Differences() {
        return List.of(
                new Case("/fault/no-response", List.of(), 500, null, null, complete(500),
                        "Jetty's HttpChannel.handle catches every Throwable, Errors included, and hands it to"
                                + " handleException: nothing was committed, so the ErrorHandler answers a clean 500",
                        "java.lang.OutOfMemoryError"),
                keptOffTheWire("/fault/truncated-body", 500,
                        "the 412 bytes still sit in HttpOutput's 32 KiB aggregate buffer when the servlet returns:"
                                + " HttpChannel's COMPLETE step sees less content than the Content-Length on an"
                                + " uncommitted response and sends a 500 \"insufficient content written\" instead",
                        complete(500)),
                risk("/fault/content-length-mismatch", List.of("content_length_mismatch"), 200, 502, null, r -> {
                    // Jetty 9.4's HttpOutput hands the whole write over as the last content once the declared
                    // length is reached, and HttpGenerator never compares content with the Content-Length it wrote
                    assertEquals("10", r.header("content-length"));
                    assertEquals(100, r.bodyBytes(), "100 bytes after a declared 10");
                }),
                risk("/fault/control-char-header", List.of("invalid_header"), 200, 520, null, r -> {
                    // HttpGenerator.putSanitisedValue replaces only CR, LF and chars above 0xFF: the 0x01 goes out
                    assertTrue(r.head().contains("\r\nX-Demo-Ctl: a\u0001b\r\n"), r.head());
                }),
                keptOffTheWire("/fault/conflicting-framing", 200,
                        "Jetty's HttpGenerator takes the application's Transfer-Encoding: chunked as a hint to chunk"
                                + " and writes no Content-Length with it: the framing on the wire is consistent", r -> {
                            complete(200).accept(r);
                            assertEquals("chunked", r.header("transfer-encoding"));
                            assertEquals(null, r.header("content-length"));
                            assertEquals(5, r.payloadBytes());
                        }));
    }

    /**
     * Undertow 2.3 (servlet deployment, DefaultServlet for /static, which also sends its files with
     * FileChannel.transferTo): where its source makes the wire differ from Tomcat's.
     */
    private static List<Case> undertowDifferences() {
        return List.of(
                new Case("/fault/no-response", List.of(), 500, null, null, complete(500),
                        "ServletInitialHandler.handleFirstRequest catches every Throwable, Errors included; with nothing"
                                + " committed it resets the response and sends a clean 500 (Tomcat rethrows an Error and"
                                + " drops the connection)", "java.lang.OutOfMemoryError"),
                new Case("/fault/exception-after-commit", List.of(), 200, null, null, r -> {
                    complete(200).accept(r);
                    assertEquals("chunked", r.header("transfer-encoding"));
                    assertEquals(1000, r.payloadBytes());
                }, "ServletInitialHandler catches the StackOverflowError and logs it (LoggingExceptionHandler); the"
                        + " response being committed, its finally block calls responseDone(), which closes the output"
                        + " stream normally and writes the last chunk: the edge gets a complete, short 200",
                        "java.lang.StackOverflowError"),
                keptOffTheWire("/fault/content-length-mismatch", 200,
                        "ServletOutputStreamImpl caps every write at the declared Content-Length (remainingContentLength)"
                                + " and the fixed-length conduit takes no byte past it", r -> {
                            complete(200).accept(r);
                            assertEquals(10, r.bodyBytes());
                        }),
                new Case("/fault/control-char-header", List.of("invalid_header"), 200, 520, null,
                        r -> assertTrue(r.head().contains("\r\nX-Demo-Ctl: a\u0001b\r\n"), r.head()),
                        "HttpResponseConduit.writeString replaces only CR and LF in header values with a space;"
                                + " other control bytes go out as they are", null),
                keptOffTheWire("/fault/conflicting-framing", 200,
                        "HttpTransferEncoding.createSinkConduit drops Content-Length when the response carries a"
                                + " Transfer-Encoding (RFC 9112: the coding wins) and chunks the body itself", r -> {
                            complete(200).accept(r);
                            assertEquals("chunked", r.header("transfer-encoding"));
                            assertEquals(null, r.header("content-length"));
                            assertEquals(5, r.payloadBytes());
                        }));
    }

    /**
     * Spring Boot 4 on its Tomcat 11 (fixtures/boot4-tomcat). Same verdicts as Tomcat's; what differs on the wire
     * is Boot's: its error page and its static resource handler.
     */
    private static List<Case> boot4TomcatDifferences() {
        return List.of(
                bootErrorPage("/unavailable", 503, null, "/unavailable"),
                bootErrorPage("/error-before-commit", 500, "java.lang.IllegalStateException", "/error-before-commit"),
                // Tomcat's async timeout (no listener completes) is an error dispatch to the error page as well
                bootErrorPage("/async-timeout", 500, null, "/async-timeout"),
                bootErrorPage("/async-error", 500, "java.lang.IllegalStateException", "/async-error"),
                bootStaticResource());
    }

    /**
     * Spring Boot 3 on its Undertow 2.3 (fixtures/boot3-undertow): Undertow's own differences, with Boot's layer
     * over them (a later case for the same path wins in {@link #of}).
     */
    private static List<Case> boot3UndertowDifferences() {
        List<Case> cases = new ArrayList<>(undertowDifferences());
        cases.addAll(List.of(
                bootErrorPage("/unavailable", 503, null, "/unavailable"),
                bootErrorPage("/error-before-commit", 500, "java.lang.IllegalStateException", "/error-before-commit"),
                // Undertow dispatches the error to the error page as a forward of the failing dispatch target
                bootErrorPage("/async-error", 500, "java.lang.IllegalStateException", "/error-before-commit"),
                new Case("/async-timeout", List.of(), 500, null, null, r -> {
                    complete(500).accept(r);
                    assertEquals("close", r.header("connection"), r.head());
                    assertEquals(null, r.header("transfer-encoding"), r.head());
                    assertEquals(null, r.header("content-length"), r.head());
                    assertEquals("closed", r.ending, "the body ends where the origin closes the connection");
                    assertTrue(new String(r.bytes, StandardCharsets.UTF_8).endsWith("\"path\":\"/async-timeout\"}"),
                            "Boot's error JSON, whole");
                }, "AsyncContextImpl's timeout task marks the exchange non-persistent (Connection: close) before its"
                        + " sendError(500) reaches Boot's error page; with neither Content-Length nor chunking, Undertow"
                        + " delimits the JSON body by closing the connection, which HTTP/1.1 allows (RFC 9112 6.3)", null),
                bootStaticResource()));
        return cases;
    }

    /**
     * A sendError or an exception in a Boot app: Boot registers its error page (/error, here /static/error as
     * Spring MVC sits under /static) with the container for every status and Throwable, so instead of the
     * container's own error report (Tomcat's ErrorReportValve: HTML with a Content-Length) Boot's
     * BasicErrorController answers: JSON for a client that does not ask for HTML, written by a message
     * converter without a Content-Length (chunked), with the status the app chose and the path Boot's error
     * attributes name. Same status, same verdict: a healthy, complete answer.
     */
    private static Case bootErrorPage(String path, int status, String exception, String errorPath) {
        return new Case(path, List.of(), status, null, null, r -> {
            complete(status).accept(r);
            assertEquals("application/json", r.header("content-type"), r.head());
            assertEquals("chunked", r.header("transfer-encoding"), r.head());
            String body = new String(r.bytes, r.headEnd, r.bytes.length - r.headEnd, StandardCharsets.UTF_8);
            assertTrue(body.contains("\"status\":" + status + ",") && body.contains("\"path\":\"" + errorPath + "\""),
                    "Boot's error JSON: " + body);
        }, "Boot's error page (BasicErrorController JSON, chunked) answers in place of the container's error report",
                exception);
    }

    /**
     * /static/big.bin in a Boot app is a Spring MVC static resource (ResourceHttpRequestHandler copying the
     * file through the servlet output stream with a Content-Length), not the container's default servlet
     * (Tomcat's goes by sendfile); the wire is the same complete 1 MiB answer.
     */
    private static Case bootStaticResource() {
        return new Case("/static/big.bin", List.of(), 200, null, null, r -> {
            complete(200).accept(r);
            assertEquals(String.valueOf(1024 * 1024), r.header("content-length"));
            assertEquals(1024 * 1024, r.bodyBytes());
        }, "Spring MVC's static resource handler, not the container's default servlet, sends the file", null);
    }

    /** The cases as Tomcat 10.1/11 puts them on the wire; a container that differs says so in {@link #differences}. */
    private static List<Case> shared() {
        return List.of(
                healthy("/hello", 200, complete(200)),
                healthy("/json", 200, complete(200)),
                healthy("/download", 200, r -> {
                    complete(200).accept(r);
                    assertEquals(5 * 1024 * 1024, r.bodyBytes());
                }),
                healthy("/static/big.bin", 200, r -> {
                    complete(200).accept(r); // Tomcat's DefaultServlet: the body goes out by sendfile
                    assertEquals(1024 * 1024, r.bodyBytes());
                }),
                healthy("/stream", 200, r -> {
                    complete(200).accept(r);
                    assertEquals("chunked", r.header("transfer-encoding"));
                }),
                healthy("/no-content", 204, complete(204)),
                healthy("/not-modified", 304, complete(304)),
                healthy("/redirect", 302, complete(302)),
                healthy("/unavailable", 503, complete(503)),
                healthyAfterException("/error-before-commit", 500, "java.lang.IllegalStateException", complete(500)),
                healthy("/async", 200, complete(200)),
                healthy("/async-timeout", 500, complete(500)),
                healthyAfterException("/async-error", 500, "java.lang.IllegalStateException", complete(500)),
                risk("/fault/no-response", List.of("no_response"), null, 520, "java.lang.OutOfMemoryError", r -> {
                    assertEquals(0, r.bytes.length, "not a byte on the wire");
                    assertFalse(r.ending.equals("timeout"), "the origin closed the connection");
                }),
                risk("/fault/exception-after-commit", List.of("exception_after_commit", "truncated_body"), 200, 520,
                        "java.lang.StackOverflowError", r -> {
                            assertEquals(200, r.status());
                            assertEquals("chunked", r.header("transfer-encoding"));
                            assertFalse(r.endsWithLastChunk(), "the last chunk never came");
                            assertEquals(1000, r.payloadBytes());
                        }),
                risk("/fault/truncated-body", List.of("truncated_body"), 200, 502, null, r -> {
                    assertEquals("10000", r.header("content-length"));
                    assertEquals(412, r.bodyBytes(), "412 of 10,000 declared bytes");
                }),
                keptOffTheWire("/fault/content-length-mismatch", 200,
                        "Tomcat's IdentityOutputFilter trims writes beyond the declared Content-Length", r -> {
                            complete(200).accept(r);
                            assertEquals(10, r.bodyBytes());
                        }),
                risk("/fault/oversized-headers", List.of("oversized_headers"), 200, 520, null, r -> {
                    assertEquals(200, r.status());
                    assertTrue(r.headBytes() > 128 * 1024, "header block of " + r.headBytes() + " bytes");
                }),
                risk("/fault/invalid-header", List.of("invalid_header"), 200, 520, null,
                        r -> assertTrue(r.head().contains("\r\nX-Demo Bad: "), r.head())),
                keptOffTheWire("/fault/control-char-header", 200,
                        "Tomcat replaces control bytes in header values with spaces before writing them", r -> {
                            complete(200).accept(r);
                            assertEquals("a b", r.header("x-demo-ctl"));
                        }),
                risk("/fault/conflicting-framing", List.of("conflicting_framing"), 200, 520, null, r -> {
                    assertEquals("5", r.header("content-length"));
                    assertEquals("chunked", r.header("transfer-encoding"));
                }),
                risk("/fault/invalid-status", List.of("invalid_status"), 600, 520, null,
                        r -> assertTrue(r.statusLine.startsWith("HTTP/1.1 600"), r.statusLine)));
    }

    private Catalog() {
    }
}
