package dev.cf520.instrument.jetty9;

import static net.bytebuddy.matcher.ElementMatchers.declaresField;
import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.fieldType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.cf520.agent.ContainerInstrumentation;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Jetty 9.4 (javax), HTTP/1.1. Hooked below the servlet layer, where Jetty itself runs the exchange:
 * <ul>
 * <li>{@code HttpChannel.onRequest(MetaData.Request)}: the request line and headers are parsed; the
 *     exchange starts and is bound to the connection's EndPoint;</li>
 * <li>{@code ChannelEndPoint.flush(ByteBuffer...)} (and over TLS {@code SslConnection.DecryptedEndPoint.flush}):
 *     every response byte as the socket (or the SSLEngine) takes it, after Jetty's HttpGenerator (chunking,
 *     header sanitising); the write is non-blocking and may be partial, so only the bytes it consumed are read;</li>
 * <li>{@code HttpChannel.handleException(Throwable)}: a throwable left the servlet or the dispatch;</li>
 * <li>{@code HttpChannel.abort(Throwable)}: Jetty drops the connection (its own abort, or the peer gone);</li>
 * <li>{@code HttpChannel.onCompleted()}: the exchange is over, once, after its output was closed
 *     (the last write completed or failed), for sync and async requests alike.</li>
 * <li>{@code ServerConnector.doStart} and, for attach, {@code HttpChannel.onRequest}: each connector's idle
 *     timeout and response header limit, once;</li>
 * <li>{@code HttpConnection.onFillInterestedFailed(Throwable)}: the idle timeout closes a keep-alive
 *     connection waiting for its next request;</li>
 * <li>{@code ServerConnector.doStop}, after the Server's graceful phase: the exchanges still in flight are cut
 *     off, the idle connections the stop closes counted.</li>
 * </ul>
 * Class names such as {@code HttpChannel} exist in Jetty 10-12 too (Jetty 12: an interface): every hook
 * is gated on the 9.x logging field (its own or its outer class's {@code LOG}, an {@code org.eclipse.jetty.util.log.Logger};
 * Jetty 10 moved to slf4j) and on the exact method the advice is inlined into; ServerConnector, which
 * declares no LOG, on {@code setSoLingerTime} (removed in Jetty 10).
 */
public final class Jetty9Instrumentation implements ContainerInstrumentation {
    private static final String PKG = "dev.cf520.instrument.jetty9.";
    private static final String CHANNEL = "org.eclipse.jetty.server.HttpChannel";

    @Override
    public String name() {
        return "jetty9";
    }

    @Override
    public List<Hook> hooks() {
        ElementMatcher.Junction<MethodDescription> onRequest = isMethod().and(named("onRequest"))
                .and(takesArguments(1)).and(takesArgument(0, named("org.eclipse.jetty.http.MetaData$Request")));
        ElementMatcher.Junction<MethodDescription> onCompleted = isMethod().and(named("onCompleted")).and(takesArguments(0));
        ElementMatcher.Junction<MethodDescription> abort = isMethod().and(named("abort"))
                .and(takesArguments(1)).and(takesArgument(0, named("java.lang.Throwable")));
        ElementMatcher.Junction<MethodDescription> handleException = isMethod().and(named("handleException"))
                .and(takesArguments(1)).and(takesArgument(0, named("java.lang.Throwable")));
        ElementMatcher.Junction<MethodDescription> flush = isMethod().and(named("flush"))
                .and(takesArguments(1)).and(takesArgument(0, named("java.nio.ByteBuffer[]")));
        ElementMatcher.Junction<MethodDescription> doStart = isMethod().and(named("doStart")).and(takesArguments(0));
        ElementMatcher.Junction<MethodDescription> doStop = isMethod().and(named("doStop")).and(takesArguments(0));
        ElementMatcher.Junction<MethodDescription> fillFailed = isMethod().and(named("onFillInterestedFailed"))
                .and(takesArguments(1)).and(takesArgument(0, named("java.lang.Throwable")));
        return List.of(
                new Hook("org.eclipse.jetty.io.ChannelEndPoint",
                        isMethod().and(named("doClose")).and(takesArguments(0)), PKG + "CloseAdvice"),
                new Hook(CHANNEL, jetty9(onRequest), onRequest, PKG + "RequestAdvice"),
                new Hook(CHANNEL, jetty9(onRequest), onRequest, PKG + "ConnectorFirstExchangeAdvice"),
                new Hook("org.eclipse.jetty.server.ServerConnector",
                        declaresMethod(named("setSoLingerTime")).and(declaresMethod(doStart)), doStart,
                        PKG + "ConnectorStartAdvice"),
                new Hook("org.eclipse.jetty.server.ServerConnector",
                        declaresMethod(named("setSoLingerTime")).and(declaresMethod(doStop)), doStop,
                        PKG + "ConnectorStopAdvice"),
                new Hook("org.eclipse.jetty.server.HttpConnection", jetty9(fillFailed), fillFailed,
                        PKG + "IdleCloseAdvice"),
                new Hook(CHANNEL, jetty9(handleException), handleException, PKG + "HandleExceptionAdvice"),
                new Hook(CHANNEL, jetty9(abort), abort, PKG + "AbortAdvice"),
                new Hook(CHANNEL, jetty9(onCompleted), onCompleted, PKG + "CompletedAdvice"),
                new Hook("org.eclipse.jetty.io.ChannelEndPoint",
                        jetty9(flush).and(declaresField(named("_channel")
                                .and(fieldType(named("java.nio.channels.SocketChannel"))))),
                        flush, PKG + "FlushAdvice"),
                // over TLS the connection's EndPoint is SslConnection's DecryptedEndPoint: its flush takes the
                // plain response bytes into the SSLEngine (the raw ChannelEndPoint below sees only records)
                new Hook("org.eclipse.jetty.io.ssl.SslConnection$DecryptedEndPoint",
                        not(isInterface()).and(declaresMethod(flush)).and(nestedIn(JETTY9_LOG)),
                        flush, PKG + "FlushAdvice"));
    }

    /** Jetty 9 classes log through Jetty's own Log; Jetty 10 and later through slf4j. */
    private static final ElementMatcher.Junction<TypeDescription> JETTY9_LOG =
            declaresField(named("LOG").and(fieldType(named("org.eclipse.jetty.util.log.Logger"))));

    private static ElementMatcher.Junction<TypeDescription> nestedIn(ElementMatcher<? super TypeDescription> outer) {
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription type) {
                TypeDescription declaring = type.getDeclaringType();
                return declaring != null && outer.matches(declaring);
            }
        };
    }

    /** A Jetty 9 class (its own Log, not slf4j) that declares the method the advice goes into. */
    private static ElementMatcher.Junction<TypeDescription> jetty9(ElementMatcher<? super MethodDescription> method) {
        return not(isInterface()).and(JETTY9_LOG).and(declaresMethod(method));
    }
}
