package dev.cf520.agent;

import dev.cf520.config.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's argument string, plus the properties file it may name ({@code config-file=PATH}):
 * agent arguments are short and comma-hostile, so {@code attach} passes its settings in a file.
 * Keys given directly in the arguments win over the file's.
 */
final class AgentArguments {
    private AgentArguments() {
    }

    static Map<String, String> read(String args, List<String> problems) {
        Map<String, String> direct = AgentConfig.parseAgentArgs(args);
        String file = direct.get(AgentConfig.CONFIG_FILE);
        if (file == null) {
            return direct;
        }
        Map<String, String> merged = new LinkedHashMap<>();
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Paths.get(file))) {
            p.load(in);
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("cf520.") || key.startsWith("otel.")) {
                    merged.put(key, p.getProperty(key).trim());
                } else {
                    problems.add(file + ": key " + key + " is neither cf520.* nor otel.*; ignored");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            problems.add(AgentConfig.CONFIG_FILE + "=" + file + " cannot be read (" + e + "); its settings are ignored");
        }
        merged.putAll(direct);
        return merged;
    }

    /** The otel.* entries: they override the JVM's own otel.* settings for cf520's SDK. */
    static Map<String, String> otel(Map<String, String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        args.forEach((k, v) -> {
            if (k.startsWith("otel.")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
