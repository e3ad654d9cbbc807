package dev.cf520.instrument.tomcat;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.cf520.agent.ContainerInstrumentation;
import java.util.List;

/**
 * Tomcat 9 (javax), 10.1 and 11 (jakarta), HTTP/1.1 over NIO and NIO2. Hooked below the servlet layer, at the
 * points where Tomcat itself decides what reaches the socket (the same classes, fields and signatures in the
 * three lines: TomcatInstrumentationTest inlines every advice into each line's jars):
 * <ul>
 * <li>{@code CoyoteAdapter.service}: an exchange starts (request parsed) or a throwable escapes it;</li>
 * <li>{@code Http11OutputBuffer.commit/writeHeaders}: the header block is about to be written, on which connection;</li>
 * <li>{@code SocketWrapperBase.write}: every byte of the response as handed to the socket, after Tomcat's
 *     own filters (chunking, length trimming, sanitised header values);</li>
 * <li>{@code AbstractProcessor.setErrorState}: Tomcat drops the response (its own abort, or the peer gone);</li>
 * <li>{@code StandardWrapperValve.exception}: a servlet threw (Tomcat may still answer a clean 500);</li>
 * <li>{@code Http11Processor.prepareSendfile}: a static file's body goes out by sendfile, past the socket writes;</li>
 * <li>{@code Http11OutputBuffer.nextRequest/recycle}: the exchange is over, on keep-alive or on close (then
 *     request bytes left unread in the kernel mean the close is a reset);</li>
 * <li>{@code AbstractProtocol.start}, or on attach the first {@code CoyoteAdapter.service} of each
 *     connector: its keep-alive and header-size settings, checked against the upstream's pool;</li>
 * <li>{@code AbstractProtocol.ConnectionHandler.process}: an idle keep-alive connection closed at keepAliveTimeout
 *     (NIO), counted, or an idle-close race when request bytes were already waiting on it.</li>
 * </ul>
 * Ending at the output buffer rather than at {@code CoyoteAdapter.service} makes async exchanges
 * (startAsync, then complete / timeout / error on any thread) end exactly once, and sees what
 * Tomcat writes after the servlet returned (a 500 for an oversized header block, the last chunk).
 */
public final class TomcatInstrumentation implements ContainerInstrumentation {
    private static final String PKG = "dev.cf520.instrument.tomcat.";

    @Override
    public String name() {
        return "tomcat";
    }

    /**
     * Yes: a connector that starts before its AbstractProtocol is retransformed is still checked, at its first
     * exchange (ConnectorFirstExchangeAdvice, as on attach), and Tomcat loads Http11Processor, AbstractProcessor and
     * Http11OutputBuffer only for the first request, whose hooks then wait for the deferred ones. Jetty and Undertow
     * start their connectors within the warm-up and have no such fallback (JettyKeepAliveSettingsIT missed the
     * start-up WARN when they deferred too).
     */
    @Override
    public boolean hooksMayWaitForWarmUp() {
        return true;
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                new Hook("org.apache.catalina.connector.CoyoteAdapter",
                        isMethod().and(named("service")).and(takesArguments(2))
                                .and(takesArgument(0, named("org.apache.coyote.Request"))),
                        PKG + "ServiceAdvice"),
                new Hook("org.apache.coyote.http11.Http11OutputBuffer",
                        isMethod().and(named("commit").or(named("writeHeaders"))).and(takesArguments(0)),
                        PKG + "HeadersAdvice"),
                new Hook("org.apache.coyote.http11.Http11OutputBuffer",
                        isMethod().and(named("nextRequest")).and(takesArguments(0)),
                        PKG + "EndAdvice"),
                new Hook("org.apache.coyote.http11.Http11OutputBuffer",
                        isMethod().and(named("recycle")).and(takesArguments(0)),
                        PKG + "CloseAdvice"),
                new Hook("org.apache.tomcat.util.net.SocketWrapperBase",
                        isMethod().and(named("write")).and(takesArguments(2))
                                .and(takesArgument(0, named("boolean"))).and(takesArgument(1, named("java.nio.ByteBuffer"))),
                        PKG + "SocketBufferWriteAdvice"),
                new Hook("org.apache.tomcat.util.net.SocketWrapperBase",
                        isMethod().and(named("write")).and(takesArguments(4))
                                .and(takesArgument(0, named("boolean"))).and(takesArgument(1, named("byte[]"))),
                        PKG + "SocketArrayWriteAdvice"),
                new Hook("org.apache.catalina.core.StandardWrapperValve",
                        isMethod().and(named("exception")).and(takesArguments(4))
                                .and(takesArgument(2, named("java.lang.Throwable"))),
                        PKG + "ServletExceptionAdvice"),
                new Hook("org.apache.coyote.http11.Http11Processor",
                        isMethod().and(named("prepareSendfile")).and(takesArguments(1)),
                        PKG + "SendfileAdvice"),
                new Hook("org.apache.coyote.AbstractProtocol",
                        isMethod().and(named("start")).and(takesArguments(0)),
                        PKG + "ConnectorStartAdvice"),
                new Hook("org.apache.coyote.AbstractProtocol",
                        isMethod().and(named("pause")).and(takesArguments(0)),
                        PKG + "ConnectorPauseAdvice"),
                new Hook("org.apache.coyote.AbstractProtocol",
                        isMethod().and(named("stop")).and(takesArguments(0)),
                        PKG + "ConnectorStopAdvice"),
                new Hook("org.apache.catalina.connector.CoyoteAdapter",
                        isMethod().and(named("service")).and(takesArguments(2))
                                .and(takesArgument(0, named("org.apache.coyote.Request"))),
                        PKG + "ConnectorFirstExchangeAdvice"),
                new Hook("org.apache.coyote.AbstractProcessor",
                        isMethod().and(named("setErrorState")).and(takesArguments(2)),
                        PKG + "ErrorStateAdvice"),
                new Hook("org.apache.coyote.AbstractProtocol$ConnectionHandler",
                        isMethod().and(named("process")).and(takesArguments(2))
                                .and(takesArgument(1, named("org.apache.tomcat.util.net.SocketEvent"))),
                        PKG + "IdleCloseAdvice"));
    }
}
