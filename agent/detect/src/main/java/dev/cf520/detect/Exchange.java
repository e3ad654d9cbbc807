package dev.cf520.detect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The container-neutral record of one HTTP exchange, filled by a container adapter as the exchange
 * happens: the request line and the few request headers cf520 reads, then what went on the wire,
 * then how it ended. Wire events for one exchange come from one thread at a time (a servlet
 * response is not thread-safe); the methods are synchronized only against the watchdog and the
 * end of the exchange.
 */
public final class Exchange {

    /** Request headers cf520 records (lower case); nothing else of the request is kept. */
    public static final String[] CAPTURED_REQUEST_HEADERS = {
        "cf-ray", "cf-connecting-ip", "cf-ipcountry", "traceparent", "tracestate", "user-agent", "x-forwarded-for"
    };
    /** {@link #CAPTURED_REQUEST_HEADERS} as bytes, for names matched in place. */
    private static final byte[][] CAPTURED_NAMES = ascii(CAPTURED_REQUEST_HEADERS);
    public static final int CF_RAY = 0;
    public static final int CF_CONNECTING_IP = 1;
    public static final int CF_IPCOUNTRY = 2;
    public static final int TRACEPARENT = 3;
    public static final int TRACESTATE = 4;
    public static final int USER_AGENT = 5;
    public static final int X_FORWARDED_FOR = 6;

    private final long startNanos;
    private final long startEpochNanos;
    private final String method;
    private final String path;
    private final String protocol;
    private volatile String scheme;
    private final boolean judged;
    // one field per captured header rather than an array: one object less per exchange
    private String cfRay;
    private String cfConnectingIp;
    private String cfIpcountry;
    private String traceparent;
    private String tracestate;
    private String userAgent;
    private String xForwardedFor;
    private final int keepHeadBytes;
    private String serverAddress;
    private int serverPort = -1;
    private String peerAddress;

    private ResponseWire wire; // from WirePool; back there at release()
    private int status = -1; // the final head's, kept here: it outlives the wire
    private boolean completeAtRelease; // the wire's complete(), kept for a fault found after the release
    private volatile Object connection; // read at every end and recycle (runningOn): no lock for it
    private Throwable cause;
    private boolean originAborted;
    private boolean peerGone;
    private volatile long finalHeadNanos;
    private volatile Risk slowRisk;
    private volatile Risk shutdownRisk;
    private volatile Risk resetRisk;
    private long sendfileBytes;
    private long endNanos;
    private boolean ended;

    public Exchange(String method, String path, String protocol, String scheme, int keepHeadBytes) {
        this.startNanos = System.nanoTime();
        this.startEpochNanos = Epoch.nanosAt(startNanos);
        this.method = method;
        this.path = path;
        this.protocol = protocol;
        this.scheme = scheme;
        this.keepHeadBytes = keepHeadBytes;
        this.judged = protocol != null && protocol.startsWith("HTTP/1.");
    }

    // ---- filled by the container adapter ------------------------------------------------------

    /** Records one of {@link #CAPTURED_REQUEST_HEADERS} (any case) as {@link #requestHeader(int, String)} does; other names are ignored. */
    public void requestHeader(String name, String value) {
        int index = capturedHeader(name);
        if (index >= 0) {
            requestHeader(index, value);
        }
    }

    /**
     * The index in {@link #CAPTURED_REQUEST_HEADERS} of the header named {@code b[off..off+len)} (ASCII, any case),
     * or -1: for a container that walks its request headers once, in place, instead of asking for each name (a
     * look-up by name scans every header: seven look-ups scanned an edge's ~20 headers seven times).
     */
    public static int capturedHeader(byte[] b, int off, int len) {
        for (int i = 0; i < CAPTURED_NAMES.length; i++) {
            if (HeaderBlock.equalsIgnoreCase(b, off, len, CAPTURED_NAMES[i])) {
                return i;
            }
        }
        return -1;
    }

    private static byte[][] ascii(String[] names) {
        byte[][] b = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            b[i] = HeaderBlock.ascii(names[i]);
        }
        return b;
    }

    /** {@link #capturedHeader(byte[], int, int)} for a name the container holds as a String. */
    public static int capturedHeader(String headerName) {
        for (int i = 0; i < CAPTURED_REQUEST_HEADERS.length; i++) {
            if (CAPTURED_REQUEST_HEADERS[i].equalsIgnoreCase(headerName)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Records the value of the captured header {@code index} unless one was recorded already: the first of repeated
     * headers, as a container's look-up by name has it.
     */
    public void requestHeader(int index, String value) {
        if (value != null && requestHeader(index) == null) {
            setRequestHeader(index, value);
        }
    }

    private void setRequestHeader(int index, String value) {
        switch (index) {
            case CF_RAY: cfRay = value; break;
            case CF_CONNECTING_IP: cfConnectingIp = value; break;
            case CF_IPCOUNTRY: cfIpcountry = value; break;
            case TRACEPARENT: traceparent = value; break;
            case TRACESTATE: tracestate = value; break;
            case USER_AGENT: userAgent = value; break;
            case X_FORWARDED_FOR: xForwardedFor = value; break;
            default: break;
        }
    }

    /** Containers may learn the scheme after the request line (Tomcat: from its connector). */
    public void scheme(String s) {
        if (s != null && !s.isEmpty()) {
            this.scheme = s;
        }
    }

    public void server(String address, int port) {
        this.serverAddress = address;
        this.serverPort = port;
    }

    public void peer(String address) {
        this.peerAddress = address;
    }

    public synchronized void wire(ByteBuffer b) {
        if (!ended && b.hasRemaining()) {
            wire().feed(b);
            noteHead();
        }
    }

    public synchronized void wire(byte[] b, int off, int len) {
        if (!ended && len > 0) {
            wire().feed(b, off, len);
            noteHead();
        }
    }

    public synchronized void wireUnseen(long n) {
        if (!ended && n > 0) {
            wire().feedUnseen(n);
        }
    }

    private ResponseWire wire() {
        if (wire == null) {
            wire = WirePool.take("HEAD".equals(method), keepHeadBytes);
        }
        return wire;
    }

    private void noteHead() {
        if (finalHeadNanos == 0 && wire.finalHead() != null) {
            status = wire.finalHead().status();
            finalHeadNanos = System.nanoTime(); // volatile: publishes the status to the watchdog's log line
        }
    }

    /**
     * The container gave up on this response. An {@link IOException} means the peer (the edge)
     * went away: a client abort, not an origin fault. Anything else with {@code responseAborted}
     * means the container dropped the connection on purpose.
     */
    public synchronized void failed(boolean responseAborted, Throwable t) {
        if (t instanceof IOException) {
            peerGone = true;
        } else if (responseAborted) {
            originAborted = true;
        }
        if (t != null && (cause == null || cause instanceof IOException && !(t instanceof IOException))) {
            cause = t;
        }
    }

    /** A throwable left the container's request handling. */
    public synchronized void escaped(Throwable t) {
        if (t != null && cause == null) {
            cause = t;
        }
    }

    /** The container will send {@code bytes} of body by sendfile, past the socket writes cf520 reads. */
    public synchronized void sendfile(long bytes) {
        sendfileBytes = bytes;
    }

    void connection(Object c) {
        this.connection = c;
    }

    Object connection() {
        return connection;
    }

    synchronized boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        endNanos = System.nanoTime();
        if (sendfileBytes > 0 && wire != null) {
            wire.bodyWrittenElsewhere(sendfileBytes);
        }
        return true;
    }

    /**
     * The sink is done with this ended exchange: its {@link #response()} goes back to the pool for a
     * later exchange, and reads null from now on (everything else stays readable). Only the sink that
     * reads the exchange last may call it (the telemetry sink, after span, metrics and log line); one
     * that holds exchanges for later (the deferred sink) must not. No effect before the end, or twice.
     */
    public void release() {
        ResponseWire w;
        synchronized (this) {
            if (!ended || wire == null) {
                return;
            }
            w = wire;
            completeAtRelease = w.complete();
            wire = null; // a wire write after the end is ignored (ended): nothing reaches w again through here
        }
        WirePool.give(w);
    }

    /** The server is shutting down with this exchange in flight; true the first time only. */
    synchronized boolean flagShutdown(Risk r) {
        if (ended || shutdownRisk != null) {
            return false;
        }
        shutdownRisk = r;
        return true;
    }

    /**
     * The container is closing the connection with request bytes unread (while the exchange runs, or
     * after it ended); true the first time only.
     */
    synchronized boolean flagReset(Risk r) {
        if (resetRisk != null) {
            return false;
        }
        resetRisk = r;
        return true;
    }

    /** Called by the watchdog; true the first time only. */
    synchronized boolean flagSlow(Risk r) {
        if (ended || slowRisk != null || finalHeadNanos != 0) {
            return false;
        }
        slowRisk = r;
        return true;
    }

    // ---- read by the rules and by telemetry ---------------------------------------------------

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String protocol() {
        return protocol;
    }

    /** {@code 1.1} for {@code HTTP/1.1}, as network.protocol.version has it. */
    public String protocolVersion() {
        if (protocol == null) {
            return null;
        }
        if (protocol.equals("HTTP/1.1")) {
            return "1.1"; // the usual, without a substring per exchange
        }
        int slash = protocol.indexOf('/');
        return slash < 0 ? protocol : protocol.substring(slash + 1);
    }

    public String scheme() {
        String s = scheme;
        // read on every exchange's end (span, metric): the usual values skip the lower-casing scan
        return s == null || s.equals("http") || s.equals("https") ? s : s.toLowerCase(Locale.ROOT);
    }

    public String serverAddress() {
        return serverAddress;
    }

    public int serverPort() {
        return serverPort;
    }

    public String peerAddress() {
        return peerAddress;
    }

    /** One of {@link #CAPTURED_REQUEST_HEADERS} by its index ({@link #CF_RAY}...), or null. */
    public String requestHeader(int index) {
        switch (index) {
            case CF_RAY: return cfRay;
            case CF_CONNECTING_IP: return cfConnectingIp;
            case CF_IPCOUNTRY: return cfIpcountry;
            case TRACEPARENT: return traceparent;
            case TRACESTATE: return tracestate;
            case USER_AGENT: return userAgent;
            case X_FORWARDED_FOR: return xForwardedFor;
            default: throw new ArrayIndexOutOfBoundsException(index);
        }
    }

    /** Only HTTP/1.x exchanges are judged until HTTP/2 to the origin is covered. */
    public boolean judged() {
        return judged;
    }

    public long startNanos() {
        return startNanos;
    }

    public long startEpochNanos() {
        return startEpochNanos;
    }

    public long endEpochNanos() {
        return startEpochNanos + (endNanos - startNanos);
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }

    public boolean headWritten() {
        return finalHeadNanos != 0;
    }

    public long headNanosAfterStart() {
        return finalHeadNanos == 0 ? -1 : finalHeadNanos - startNanos;
    }

    /** What went on the wire; null when not a single byte did, or once the exchange was {@link #release}d. */
    public ResponseWire response() {
        return wire;
    }

    /** The response reached its framed end on the wire (also after {@link #release}). */
    public synchronized boolean responseComplete() {
        return wire != null ? wire.complete() : completeAtRelease;
    }

    /** The status code as written, or -1. */
    public int status() {
        return status;
    }

    /**
     * What made the container give up, unwrapped to the root: a servlet container wraps the
     * application's {@code StackOverflowError} in its own ServletException.
     */
    public Throwable cause() {
        Throwable c = cause;
        for (int depth = 0; c != null && c.getCause() != null && c.getCause() != c && depth < 16; depth++) {
            c = c.getCause();
        }
        return c;
    }

    public boolean originAborted() {
        return originAborted;
    }

    /** The edge or client went away: recorded, never a risk (unless the origin was too slow first). */
    public boolean clientAbort() {
        return peerGone;
    }

    public Risk slowRisk() {
        return slowRisk;
    }

    /** Set when the server shut down while this exchange was in flight. */
    public Risk shutdownRisk() {
        return shutdownRisk;
    }

    public Risk resetRisk() {
        return resetRisk;
    }
}
