package dev.bgtasks.daemon;

import dev.bgtasks.spi.TaskEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's login defaults, which give a task its {@code PATH} and locale (SPEC S5): on Linux with a systemd user
 * manager, that manager's environment ({@code systemctl --user show-environment}), the one every user service
 * starts with. Elsewhere, and where no user manager runs, there are none and the broker's own (clean, see
 * {@link BrokerStarter}) stand in.
 *
 * <pre>{@code
 * Map<String, String> login = LoginEnvironment.read(System.getenv());
 * BrokerConfig.builder().loginEnvironment(login)...
 * }</pre>
 */
final class LoginEnvironment {
    static final Duration DEADLINE = Duration.ofSeconds(3);
    private static final Logger LOG = LoggerFactory.getLogger(LoginEnvironment.class);

    private LoginEnvironment() {
    }

    /**
     * Asks the user manager, when one runs for this user; empty otherwise or when it does not answer in time.
     *
     * @param env the broker's environment, whose {@code XDG_RUNTIME_DIR} locates the user manager
     * @return the login defaults, possibly empty
     */
    static Map<String, String> read(Map<String, String> env) {
        if (TaskEnvironment.Os.current() != TaskEnvironment.Os.LINUX) {
            return Map.of();
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        Optional<Path> systemctl = List.of("/usr/bin/systemctl", "/bin/systemctl").stream().map(Path::of)
                .filter(Files::isExecutable).findFirst();
        if (runtime == null || runtime.isBlank() || systemctl.isEmpty()
                || !Files.exists(Path.of(runtime, "systemd", "private"))) {
            LOG.info("no systemd user manager: tasks get PATH and locale from the broker's own environment");
            return Map.of();
        }
        ProcessBuilder builder = new ProcessBuilder(systemctl.get().toString(), "--user", "show-environment")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().put("XDG_RUNTIME_DIR", runtime);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readNBytes(1 << 20);
            }
            if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                LOG.warn("systemctl --user show-environment did not answer within {}; tasks get PATH and locale"
                        + " from the broker's own environment", DEADLINE);
                return Map.of();
            }
            if (process.exitValue() != 0) {
                LOG.warn("systemctl --user show-environment exited with {}; tasks get PATH and locale from the"
                        + " broker's own environment", process.exitValue());
                return Map.of();
            }
            Map<String, String> login = parse(new String(out, StandardCharsets.UTF_8));
            LOG.info("login defaults from the systemd user manager: PATH {}, LANG {}", login.get("PATH"),
                    login.get("LANG"));
            return login;
        } catch (IOException e) {
            LOG.warn("cannot ask the systemd user manager for its environment: {}", e.getMessage());
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /**
     * Parses {@code show-environment}'s output: one {@code NAME=value} a line, a value with special characters
     * quoted as {@code $'...'} with C escapes. A line that cannot be read is left out.
     *
     * @param output what systemctl printed
     * @return the variables, in order
     */
    static Map<String, String> parse(String output) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1);
            if (value.startsWith("$'") && value.endsWith("'") && value.length() >= 3) {
                Optional<String> unquoted = unescape(value.substring(2, value.length() - 1));
                if (unquoted.isEmpty()) {
                    continue;
                }
                value = unquoted.get();
            }
            env.put(line.substring(0, eq), value);
        }
        return env;
    }

    private static Optional<String> unescape(String quoted) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= quoted.length()) {
                return Optional.empty();
            }
            char e = quoted.charAt(i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\', '\'', '"' -> out.append(e);
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(out.toString());
    }
}
