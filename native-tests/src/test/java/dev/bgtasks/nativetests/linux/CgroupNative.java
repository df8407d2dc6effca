package dev.bgtasks.nativetests.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bgtasks.linux.cgroup.CgroupSandbox;
import dev.bgtasks.linux.cgroup.CgroupUnavailableException;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What the cgroup native tests share: opening the sandbox (a failure, not a skip, under
 * {@code BGTASKS_REQUIRE_NATIVE=1}), launching tasks that are all killed afterwards, bounded waits without sleeps.
 */
final class CgroupNative {
    static final Duration DEADLINE = Duration.ofSeconds(15);

    final Path dir;
    private final List<CgroupSandbox> sandboxes = new ArrayList<>();
    private final List<Launched> started = new ArrayList<>();
    private final Map<CgroupSandbox, OpenSandbox> handles = new IdentityHashMap<>();
    private final List<Long> strays = new ArrayList<>();

    CgroupNative(Path dir) {
        this.dir = dir;
    }

    /** A sandbox on this host; CI (BGTASKS_REQUIRE_NATIVE=1) fails here when none can be made. */
    CgroupSandbox open() {
        try {
            CgroupSandbox sandbox = CgroupSandbox.open();
            sandboxes.add(sandbox);
            handles.put(sandbox, new OpenSandbox());
            return sandbox;
        } catch (CgroupUnavailableException e) {
            if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
                throw new AssertionError("BGTASKS_REQUIRE_NATIVE=1 but no cgroup sandbox can be made here: "
                        + e.getMessage(), e);
            }
            assumeTrue(false, "no cgroup sandbox here: " + e.getMessage());
            throw new IllegalStateException("unreachable");
        }
    }

    /** A started task, the sandbox that started it and its cgroups as seen right after the start. */
    record Launched(SandboxedProcess process, String token, Path log, OpenSandbox sandbox, List<Path> cgroups) {
        String logText() throws IOException {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        }
    }

    Launched launch(CgroupSandbox sandbox, ResourceLimits limits, List<String> command) throws IOException {
        String token = UUID.randomUUID().toString();
        Path log = dir.resolve("task-" + token + ".log");
        LaunchSpec spec = new LaunchSpec(command, Map.of("BGTASKS_RUN_TOKEN", token), dir, log, token);
        SandboxedProcess p = sandbox.launch(spec, limits);
        Launched launched = new Launched(p, token, log, handles.get(sandbox), sandbox.taskCgroupsOf(p.pid()));
        started.add(launched);
        return launched;
    }

    /** Whether a test closed its sandbox (a broker that died): its tasks' ends are then nobody's to watch. */
    static final class OpenSandbox {
        private volatile boolean open = true;

        boolean isOpen() {
            return open;
        }
    }

    /** Closes a sandbox the way a dying broker stops watching: its tasks run on. */
    void closeAsIfDead(CgroupSandbox sandbox) {
        handles.get(sandbox).open = false;
        sandbox.close();
    }


    /** Remembers a pid to kill afterwards in case the test fails before the sandbox did. */
    void stray(long pid) {
        strays.add(pid);
    }

    static ExitStatus exitOf(SandboxedProcess p) throws Exception {
        return p.onExit().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Polls {@code done} (pauses of 1 to 20 ms, never a sleep for semantics) until it holds or the deadline passes. */
    static boolean waitUntil(BooleanSupplier done, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive() || zombie(pid)).orElse(true);
    }

    static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Field 6 of {@code /proc/<pid>/stat}: the session id. */
    static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(after[3]);
    }

    static long readNumber(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }

    static String readOrMissing(Path file) throws IOException {
        try {
            return Files.readString(file).trim();
        } catch (NoSuchFileException e) {
            return "(missing)";
        }
    }

    /** The task cgroup directory of the hierarchy that has {@code file} (e.g. {@code pids.current}). */
    static Path withFile(List<Path> dirs, String file) {
        return dirs.stream().filter(d -> Files.exists(d.resolve(file))).findFirst()
                .orElseThrow(() -> new AssertionError("no task cgroup among " + dirs + " has " + file));
    }

    /**
     * Kills every task still running (also those of a sandbox a test closed to play a dead broker), waits until
     * their processes are gone and, for open sandboxes, until they ended; closes the sandboxes; removes any task
     * cgroup a failed test left, and fails when one cannot be removed.
     */
    void cleanUp() {
        List<Throwable> failures = new ArrayList<>();
        for (Launched t : started) {
            if (!t.process().onExit().isDone()) {
                t.process().kill();
            }
        }
        for (long pid : strays) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (Launched t : started) {
            if (!waitUntil(() -> gone(t.process().pid()), DEADLINE)) {
                failures.add(new AssertionError("pid " + t.process().pid() + " is still alive"));
            }
            if (t.sandbox().isOpen() && !t.process().onExit().isDone()) {
                try {
                    t.process().onExit().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    failures.add(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add(e);
                }
            }
        }
        sandboxes.forEach(CgroupSandbox::close);
        for (Launched t : started) {
            for (Path cgroup : t.cgroups()) {
                if (!waitUntil(() -> removed(cgroup), Duration.ofSeconds(2))) {
                    failures.add(new AssertionError("task cgroup " + cgroup + " could not be removed"));
                }
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("cleaning up the tasks failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    private static boolean removed(Path cgroup) {
        try {
            Files.deleteIfExists(cgroup);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static ResourceLimits limits(long memory, int processes) {
        return ResourceLimits.builder().memoryBytes(memory).maxProcesses(processes).build();
    }

    static long mib(long n) {
        return n << 20;
    }

    static String exitSummary(ExitStatus status, Launched task) throws IOException {
        return status + "\n--- task log ---\n" + task.logText();
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
