package dev.cf520.detect;

import java.util.List;

/** Where judged exchanges go (telemetry). Called on the thread that ended the exchange: never block. */
public interface ExchangeSink {

    /**
     * The last sink to read {@code exchange} may call {@link Exchange#release} when done, so that its
     * wire record serves a later exchange; a sink that keeps exchanges for later must not.
     */
    void exchangeEnded(Exchange exchange, List<Risk> risks);

    /** The watchdog found a risk while the exchange is still running (slow_response). */
    void riskWhileRunning(Exchange exchange, Risk risk);

    /** A fault found after the exchange ended, on its connection (connection_reset at the container's close). */
    default void riskAfterEnd(Exchange exchange, Risk risk) {
    }
}
