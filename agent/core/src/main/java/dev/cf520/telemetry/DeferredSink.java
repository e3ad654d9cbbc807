package dev.cf520.telemetry;

import dev.cf520.detect.Exchange;
import dev.cf520.detect.ExchangeSink;
import dev.cf520.detect.Risk;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the telemetry sink while the SDK starts on a background thread, so the origin's
 * start-up does not wait for it and no exchange of the first moments is lost: ended exchanges are
 * held (bounded; beyond it they are dropped and counted) and handed over in order once it is ready.
 */
public final class DeferredSink implements ExchangeSink {
    private static final int CAPACITY = 4096;

    private final ArrayDeque<Runnable> held = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile ExchangeSink delegate;

    @Override
    public void exchangeEnded(Exchange exchange, List<Risk> risks) {
        ExchangeSink d = delegate;
        if (d == null) {
            synchronized (this) {
                d = delegate;
                if (d == null) {
                    hold(() -> delegate.exchangeEnded(exchange, risks));
                    return;
                }
            }
        }
        d.exchangeEnded(exchange, risks);
    }

    @Override
    public void riskWhileRunning(Exchange exchange, Risk risk) {
        pass(d -> d.riskWhileRunning(exchange, risk));
    }

    @Override
    public void riskAfterEnd(Exchange exchange, Risk risk) {
        pass(d -> d.riskAfterEnd(exchange, risk));
    }

    /** For the rare calls (a lambda each); exchangeEnded, on every exchange, allocates nothing once ready. */
    private void pass(java.util.function.Consumer<ExchangeSink> call) {
        ExchangeSink d = delegate;
        if (d == null) {
            synchronized (this) {
                d = delegate;
                if (d == null) {
                    hold(() -> call.accept(delegate));
                    return;
                }
            }
        }
        call.accept(d);
    }

    private void hold(Runnable r) {
        if (held.size() < CAPACITY) {
            held.add(r);
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Hands over what was held, in order, then passes everything straight through. */
    public synchronized void ready(ExchangeSink sink) {
        delegate = sink;
        for (Runnable r; (r = held.poll()) != null; ) {
            r.run();
        }
    }

    /** Exchanges lost because the SDK took too long to start (or never did). */
    public long dropped() {
        return dropped.get();
    }
}
