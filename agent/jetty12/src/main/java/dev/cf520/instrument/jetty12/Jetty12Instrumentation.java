package dev.cf520.instrument.jetty12;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperClass;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.cf520.agent.ContainerInstrumentation;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Jetty 12 (core Handlers, ee10 servlets), HTTP/1.1. Hooked below every Handler, where Jetty's core
 * turns a parsed request into an exchange and its bytes into socket writes:
 * <ul>
 * <li>{@code HttpChannelState.onRequest}: an exchange starts (the ChannelRequest is the key) and is bound to its EndPoint;</li>
 * <li>{@code SocketChannelEndPoint.flush}: every byte as the socket consumed it, after Jetty's HttpGenerator
 *     (chunking, header encoding);</li>
 * <li>{@code HttpChannelState$ChannelCallback.failed} and ee10 {@code ServletChannel.handleException}: a
 *     Handler's or servlet's throwable;</li>
 * <li>{@code HttpConnection$HttpStreamOverHTTP1.failed}: Jetty aborts the connection (or the peer went away);</li>
 * <li>{@code HttpConnection$HttpStreamOverHTTP1.succeeded/failed}, {@code HttpChannelState.completeStream}
 *     (Jetty 12.0: {@code HttpChannelState$HandlerInvoker.completeStream}, gated on the method being
 *     declared there): the exchange is over, after its last write completed (async included: Jetty
 *     completes the stream once, whichever thread completes the callback).</li>
 * <li>{@code ServerConnector.doStart} (gated on {@code setReusePort}, which Jetty 9.4 lacks) and, for attach,
 *     {@code HttpChannelState.onRequest}: each connector's idle timeout and response header limit, once;</li>
 * <li>{@code HttpConnection.onIdleExpired}: the idle timeout closes a keep-alive connection between
 *     requests; {@code AbstractConnection.onClose}: the close of one whose timeout fired as a request arrived;</li>
 * <li>{@code ServerConnector.doStop} (same gate), after the Server's graceful phase: the exchanges still in flight
 *     are cut off, the idle connections the stop closes counted.</li>
 * </ul>
 * Every class named here except SocketChannelEndPoint, ServerConnector and AbstractConnection exists only in Jetty 12 ({@code server.internal},
 * {@code ee10}); Jetty 9.4's SocketChannelEndPoint inherits flush from ChannelEndPoint, so the gate
 * (declares flush, extends SelectableChannelEndPoint) leaves it alone.
 */
public final class Jetty12Instrumentation implements ContainerInstrumentation {
    private static final String PKG = "dev.cf520.instrument.jetty12.";
    private static final String CHANNEL = "org.eclipse.jetty.server.internal.HttpChannelState";
    private static final String STREAM = "org.eclipse.jetty.server.internal.HttpConnection$HttpStreamOverHTTP1";

    @Override
    public String name() {
        return "jetty12";
    }

    @Override
    public List<Hook> hooks() {
        ElementMatcher.Junction<MethodDescription> flush = isMethod().and(named("flush")).and(takesArguments(1))
                .and(takesArgument(0, named("java.nio.ByteBuffer[]")));
        ElementMatcher.Junction<MethodDescription> completeStream = isMethod().and(named("completeStream"))
                .and(takesArguments(2)).and(takesArgument(0, named("org.eclipse.jetty.server.HttpStream")));
        ElementMatcher.Junction<MethodDescription> onRequest = isMethod().and(named("onRequest")).and(takesArguments(1))
                .and(takesArgument(0, named("org.eclipse.jetty.http.MetaData$Request")));
        ElementMatcher.Junction<MethodDescription> onClose = isMethod().and(named("onClose")).and(takesArguments(1))
                .and(takesArgument(0, named("java.lang.Throwable")));
        return List.of(
                new Hook("org.eclipse.jetty.io.SelectableChannelEndPoint",
                        isMethod().and(named("doClose")).and(takesArguments(0)), PKG + "CloseAdvice"),
                new Hook(CHANNEL, onRequest,
                        PKG + "RequestAdvice"),
                new Hook(CHANNEL, onRequest,
                        PKG + "ConnectorFirstExchangeAdvice"),
                new Hook("org.eclipse.jetty.server.ServerConnector", declaresMethod(named("setReusePort")),
                        isMethod().and(named("doStart")).and(takesArguments(0)), PKG + "ConnectorStartAdvice"),
                new Hook("org.eclipse.jetty.server.ServerConnector", declaresMethod(named("setReusePort")),
                        isMethod().and(named("doStop")).and(takesArguments(0)), PKG + "ConnectorStopAdvice"),
                new Hook("org.eclipse.jetty.server.internal.HttpConnection",
                        isMethod().and(named("onIdleExpired")).and(takesArguments(1).and(takesArgument(0, named("java.util.concurrent.TimeoutException"))))
                                .and(returns(named("boolean"))),
                        PKG + "IdleCloseAdvice"),
                // Jetty 9.4's AbstractConnection has onClose() only: left alone
                new Hook("org.eclipse.jetty.io.AbstractConnection", declaresMethod(onClose), onClose, PKG + "ConnectionCloseAdvice"),
                new Hook("org.eclipse.jetty.io.SocketChannelEndPoint",
                        declaresMethod(flush).and(hasSuperClass(named("org.eclipse.jetty.io.SelectableChannelEndPoint"))),
                        flush, PKG + "FlushAdvice"),
                new Hook(CHANNEL + "$ChannelCallback",
                        isMethod().and(named("failed")).and(takesArguments(1).and(takesArgument(0, named("java.lang.Throwable")))),
                        PKG + "CallbackFailedAdvice"),
                new Hook("org.eclipse.jetty.ee10.servlet.ServletChannel",
                        isMethod().and(named("handleException")).and(takesArguments(1).and(takesArgument(0, named("java.lang.Throwable")))),
                        PKG + "ServletExceptionAdvice"),
                new Hook(STREAM, isMethod().and(named("failed")).and(takesArguments(1).and(takesArgument(0, named("java.lang.Throwable")))),
                        PKG + "StreamFailedAdvice"),
                new Hook(STREAM, isMethod().and(named("succeeded")).and(takesArguments(0)),
                        PKG + "StreamSucceededAdvice"),
                // Jetty 12.1 moved completeStream from HttpChannelState$HandlerInvoker (12.0) up into HttpChannelState
                new Hook(CHANNEL, declaresMethod(completeStream), completeStream, PKG + "CompleteStreamAdvice"),
                new Hook(CHANNEL + "$HandlerInvoker", declaresMethod(completeStream), completeStream,
                        PKG + "InvokerCompleteStreamAdvice"));
    }
}
