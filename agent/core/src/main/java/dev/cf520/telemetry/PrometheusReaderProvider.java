package dev.cf520.telemetry;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ConfigurableMetricReaderProvider;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.io.IOException;

/**
 * {@code otel.metrics.exporter=prometheus} (alone or with otlp): the scrape endpoint on
 * {@code otel.exporter.prometheus.host} (default 0.0.0.0, as OpenTelemetry's) and
 * {@code otel.exporter.prometheus.port} (default 9464).
 */
public final class PrometheusReaderProvider implements ConfigurableMetricReaderProvider {
    @Override
    public MetricReader createMetricReader(ConfigProperties config) {
        String host = config.getString("otel.exporter.prometheus.host", "0.0.0.0");
        int port = config.getInt("otel.exporter.prometheus.port", 9464);
        try {
            return new PrometheusEndpoint(host, port);
        } catch (IOException e) {
            throw new ConfigurationException("cannot serve Prometheus metrics on " + host + ":" + port + " (" + e
                    + "); set otel.exporter.prometheus.port to a free port", e);
        } catch (NoClassDefFoundError e) {
            throw new ConfigurationException("serving Prometheus metrics needs the jdk.httpserver module, which this"
                    + " Java runtime lacks", e);
        }
    }

    @Override
    public String getName() {
        return "prometheus";
    }
}
