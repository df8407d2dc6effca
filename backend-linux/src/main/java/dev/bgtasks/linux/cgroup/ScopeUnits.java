package dev.bgtasks.linux.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the systemd user manager says about a task's scope after the task ended ({@code systemctl --user show}),
 * and the unloading of a scope systemd marked failed ({@code systemctl --user reset-failed}).
 *
 * <p>Why: an OOM kill ends the scope at once, and systemd removes the scope's cgroup as soon as it empties, so the
 * scope's own {@code memory.events} may be gone before bgtasks reads its {@code oom_kill} (issue 21: in the VM rig
 * one run in two recorded such a task {@code KILLED}). systemd reads that counter itself before it lets the cgroup
 * go and records {@code Result=oom-kill} on the unit, which stays loaded (failed) until reset. So a task whose main
 * process died of SIGKILL that bgtasks did not send is looked up here. Runs on a thread of its own: systemctl is a
 * process start, and systemd may take a moment to settle the unit.
 *
 * <pre>{@code
 * ScopeUnits units = new ScopeUnits(Path.of("/usr/bin/systemctl"), "/run/user/1000");
 * units.afterEnd("bgtasks-0123456789abcdef").thenAccept(result -> log.info("systemd says {}", result));
 * }</pre>
 */
final class ScopeUnits {
    /** How long systemd may take to settle a scope whose processes are gone. */
    static final Duration SETTLE_DEADLINE = Duration.ofSeconds(3);
    private static final long POLL_MILLIS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(ScopeUnits.class);

    private final Path systemctl;
    private final String runtimeDirectory;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "bgtasks-scope-units");
        t.setDaemon(true);
        return t;
    });

    ScopeUnits(Path systemctl, String runtimeDirectory) {
        this.systemctl = systemctl;
        this.runtimeDirectory = runtimeDirectory;
    }

    /**
     * Once systemd has settled the scope (inactive or failed), its {@code Result} ({@code success},
     * {@code oom-kill}, ...), and the scope unloaded if it failed. Empty when systemd cannot be asked or does not
     * settle the unit in time.
     */
    CompletableFuture<Optional<String>> afterEnd(String unit) {
        return CompletableFuture.supplyAsync(() -> {
            Optional<String> result = settledResult(unit + ".scope");
            if (result.isPresent() && !"success".equals(result.get())) {
                run(List.of("reset-failed", unit + ".scope"));
            }
            return result;
        }, thread);
    }

    private Optional<String> settledResult(String unit) {
        long deadline = System.nanoTime() + SETTLE_DEADLINE.toNanos();
        while (true) {
            Optional<String> shown = run(List.of("show", "--property=ActiveState,Result", unit));
            if (shown.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> properties = properties(shown.get());
            String state = properties.getOrDefault("ActiveState", "");
            if (state.equals("inactive") || state.equals("failed")) {
                return Optional.ofNullable(properties.get("Result"));
            }
            if (System.nanoTime() - deadline >= 0) {
                LOG.debug("scope {} still {} after {}", unit, state, SETTLE_DEADLINE);
                return Optional.empty();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** {@code KEY=value} lines, as {@code systemctl show} prints them. */
    static Map<String, String> properties(String shown) {
        Map<String, String> out = new HashMap<>();
        shown.lines().forEach(line -> {
            int equals = line.indexOf('=');
            if (equals > 0) {
                out.put(line.substring(0, equals), line.substring(equals + 1).trim());
            }
        });
        return out;
    }

    /** Runs {@code systemctl --user args}; its output, or empty when it could not run or failed. */
    private Optional<String> run(List<String> args) {
        List<String> argv = new java.util.ArrayList<>(List.of(systemctl.toString(), "--user"));
        argv.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        // systemctl --user finds the user manager through its runtime directory, as systemd-run does.
        env.put("XDG_RUNTIME_DIR", runtimeDirectory);
        env.put("LANG", "C");
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(SETTLE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                LOG.debug("{} exited with {}: {}", argv, process.exitValue(), text.strip());
                return Optional.empty();
            }
            return Optional.of(text);
        } catch (IOException e) {
            LOG.debug("{} could not run", argv, e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
