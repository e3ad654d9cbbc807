package dev.cf520.instrument.undertow;

import static net.bytebuddy.matcher.ElementMatchers.declaresField;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.cf520.agent.ContainerInstrumentation;
import java.util.List;

/**
 * Undertow 2.x (2.3 tested; plain HttpHandlers and servlet deployments alike), HTTP/1.1 over XNIO NIO,
 * cleartext or TLS. Hooked below the servlet layer:
 * <ul>
 * <li>{@code Connectors.executeRootHandler}: a parsed request reaches the root handler (begin, bind);</li>
 * <li>{@code NioSocketConduit.write/transferFrom} (XNIO) and {@code SslConduit.doWrap}: the bytes that reach
 *     the socket, after Undertow's header encoding and chunking; only what a non-blocking write consumed;</li>
 * <li>{@code UndertowLogger_$logger.undertowRequestFailed}, {@code ServletHandler.handleRequest},
 *     {@code LoggingExceptionHandler.handleThrowable}: a throwable from a handler, servlet or filter;</li>
 * <li>{@code Undertow.ListenerInfo(..)} (each listener {@code Undertow.start()} binds) and, after an attach, the first
 *     exchange on each port: the listener's keep-alive idle timeout (NO_REQUEST_TIMEOUT), once;</li>
 * <li>{@code ParseTimeoutUpdater.run}: the NO_REQUEST_TIMEOUT timer closing an idle keep-alive connection;</li>
 * <li>{@code Undertow.stop}, after any GracefulShutdownHandler drained: the exchanges still in flight are cut off,
 *     the idle connections the worker's shutdown closes counted;</li>
 * <li>{@code HttpServerExchange.invokeExchangeCompleteListeners}: the exchange is over, once, after its last byte;
 *     a response cut short after a throwable is Undertow's own abort (it truncates the conduit, dropping the connection).</li>
 * </ul>
 */
public final class UndertowInstrumentation implements ContainerInstrumentation {
    private static final String PKG = "dev.cf520.instrument.undertow.";
    private static final String EXCHANGE = "io.undertow.server.HttpServerExchange";
    private static final String NIO_CONDUIT = "org.xnio.nio.NioSocketConduit";

    @Override
    public String name() {
        return "undertow";
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                new Hook("org.xnio.nio.NioSocketStreamConnection",
                        isMethod().and(named("closeAction")).and(takesArguments(0)), PKG + "CloseAdvice"),
                new Hook("io.undertow.server.Connectors",
                        isMethod().and(named("executeRootHandler")).and(takesArguments(2))
                                .and(takesArgument(1, named(EXCHANGE))),
                        PKG + "RootHandlerAdvice"),
                new Hook("io.undertow.server.Connectors",
                        isMethod().and(named("executeRootHandler")).and(takesArguments(2))
                                .and(takesArgument(1, named(EXCHANGE))),
                        PKG + "ListenerFirstExchangeAdvice"),
                new Hook("io.undertow.Undertow$ListenerInfo", declaresField(named("openListener")),
                        isConstructor().and(takesArguments(5)).and(takesArgument(0, named("java.lang.String")))
                                .and(takesArgument(2, named("io.undertow.server.OpenListener"))),
                        PKG + "ListenerStartAdvice"),
                new Hook("io.undertow.Undertow", declaresField(named("listenerInfo")).and(declaresField(named("internalWorker"))),
                        isMethod().and(named("stop")).and(takesArguments(0)),
                        PKG + "ServerStopAdvice"),
                new Hook("io.undertow.server.protocol.ParseTimeoutUpdater",
                        declaresField(named("requestIdleTimeout")).and(declaresField(named("parsing")))
                                .and(declaresField(named("expireTime"))),
                        isMethod().and(named("run")).and(takesArguments(0)),
                        PKG + "IdleCloseAdvice"),
                new Hook(EXCHANGE,
                        isMethod().and(named("invokeExchangeCompleteListeners")).and(takesArguments(0)),
                        PKG + "CompleteAdvice"),
                new Hook(NIO_CONDUIT, declaresField(named("connection")),
                        isMethod().and(named("write")).and(takesArguments(1)).and(takesArgument(0, named("java.nio.ByteBuffer"))),
                        PKG + "SocketWriteAdvice"),
                new Hook(NIO_CONDUIT, declaresField(named("connection")),
                        isMethod().and(named("write")).and(takesArguments(3)).and(takesArgument(0, named("java.nio.ByteBuffer[]"))),
                        PKG + "GatherWriteAdvice"),
                new Hook(NIO_CONDUIT, declaresField(named("connection")),
                        isMethod().and(named("transferFrom")).and(takesArguments(3))
                                .and(takesArgument(0, named("java.nio.channels.FileChannel"))),
                        PKG + "FileTransferAdvice"),
                new Hook("io.undertow.protocols.ssl.SslConduit", declaresField(named("connection")),
                        isMethod().and(named("doWrap")).and(takesArguments(3)).and(takesArgument(0, named("java.nio.ByteBuffer[]"))),
                        PKG + "GatherWriteAdvice"),
                new Hook("io.undertow.UndertowLogger_$logger",
                        isMethod().and(named("undertowRequestFailed")).and(takesArguments(2))
                                .and(takesArgument(1, named(EXCHANGE))),
                        PKG + "RequestFailedAdvice"),
                new Hook("io.undertow.servlet.handlers.ServletHandler",
                        isMethod().and(named("handleRequest")).and(takesArguments(1)).and(takesArgument(0, named(EXCHANGE))),
                        PKG + "ServletThrewAdvice"),
                new Hook("io.undertow.servlet.api.LoggingExceptionHandler",
                        isMethod().and(named("handleThrowable")).and(takesArguments(4))
                                .and(takesArgument(0, named(EXCHANGE))).and(takesArgument(3, named("java.lang.Throwable"))),
                        PKG + "ServletExceptionHandlerAdvice"));
    }
}
