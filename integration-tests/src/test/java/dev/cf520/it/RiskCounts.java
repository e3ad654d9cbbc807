package dev.cf520.it;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** cf520.risk.events per reason, as Prometheus scrapes it and as it arrives over OTLP. */
final class RiskCounts {
    private static final Pattern SERIES = Pattern.compile("^cf520_risk_events_total\\{([^}]*)\\} (\\d+)$");
    private static final Pattern REASON = Pattern.compile("cf520_reason=\"([^\"]*)\"");

    private RiskCounts() {
    }

    /** Scrapes a Prometheus text endpoint the way Prometheus does (GET, text format) and sums per reason. */
    static Map<String, Long> scrape(String url) throws IOException {
        String text;
        try (InputStream in = new URL(url).openStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Long> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SERIES.matcher(line.trim());
            if (m.matches()) {
                Matcher r = REASON.matcher(m.group(1));
                if (r.find()) {
                    out.merge(r.group(1), Long.parseLong(m.group(2)), Long::sum);
                }
            }
        }
        return out;
    }

    /** The newest cumulative cf520.risk.events export received over OTLP, summed per reason. */
    static Map<String, Long> otlp(List<Metric> received) {
        Metric newest = null;
        for (Metric m : received) {
            if (m.getName().equals("cf520.risk.events")) {
                newest = m;
            }
        }
        Map<String, Long> out = new TreeMap<>();
        if (newest != null) {
            for (NumberDataPoint p : newest.getSum().getDataPointsList()) {
                for (KeyValue kv : p.getAttributesList()) {
                    if (kv.getKey().equals("cf520.reason")) {
                        out.merge(kv.getValue().getStringValue(), p.getAsInt(), Long::sum);
                    }
                }
            }
        }
        return out;
    }
}
