package dev.bgtasks.linux.rlimit;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux fallback when no cgroup is writable: a per-process memory rlimit and nothing for the process count,
 * both said so in the capabilities, so the broker accepts them only from registrations that allow best-effort
 * limits (SPEC R9).
 *
 * <p>Memory is {@code RLIMIT_DATA} ({@code ulimit -d} in the {@code /bin/sh} wrapper before the exec, so the task
 * starts under it): since Linux 4.7 it counts private writable mappings, about what a process commits. Not
 * {@code RLIMIT_AS}: a JVM reserves gigabytes of address space it never touches and does not start under a
 * tight one. Each process of the task gets the whole limit for itself, and an allocation past it fails inside the
 * task (no kill, no out-of-memory exit reason). A JVM also needs its thread stacks inside it: 64 MiB is too little
 * to start one, 128 MiB is enough. There is no per-task process limit: {@code RLIMIT_NPROC} counts every process
 * and thread of the user, so it caps the desktop, not the task. Kill is a tree walk, and grandchildren that were
 * reparented to init escape it.
 *
 * <pre>{@code
 * ProcessSandbox sandbox = new RlimitSandbox();
 * SandboxedProcess p = sandbox.launch(spec, ResourceLimits.builder().memoryBytes(256L << 20).build());
 * }</pre>
 */
public final class RlimitSandbox implements ProcessSandbox {
    static final String MEMORY_MECHANISM = "rlimit RLIMIT_DATA per process (ulimit -d before exec): each process of"
            + " the task alone, not the tree; allocations past it fail, nothing is killed";
    static final String PROCESS_MECHANISM = "none: RLIMIT_NPROC counts all of the user's processes and threads; no"
            + " per-task cap without the pids cgroup";
    /** The wrapper's shell. */
    static final String SHELL = "/bin/sh";
    /** {@code $0} of the wrapper shell until the exec: the name the cgroup sandbox's wrapper shows in {@code ps}. */
    static final String WRAPPER_NAME = "bgtasks-task";
    private static final int KILL_ROUNDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(RlimitSandbox.class);

    @Override
    public SandboxCapabilities capabilities() {
        return new SandboxCapabilities(Enforcement.BEST_EFFORT, MEMORY_MECHANISM, Enforcement.NONE,
                PROCESS_MECHANISM);
    }

    @Override
    public SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(limits, "limits");
        Path log = spec.logFile().toAbsolutePath();
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        ProcessBuilder builder = new ProcessBuilder(command(limits.memoryLimit(), spec.command()));
        // The whole environment, never the broker's with additions (SPEC S5).
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        builder.directory(spec.workingDirectory().toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing stdin of pid {} failed", process.pid(), e);
        }
        return new Task(process);
    }

    /**
     * The task's command, behind a wrapper that sets the soft and hard {@code RLIMIT_DATA} (in KiB, rounded up) and
     * then execs it with its arguments as data; unchanged without a memory limit.
     */
    static List<String> command(OptionalLong memoryBytes, List<String> command) {
        if (memoryBytes.isEmpty()) {
            return List.copyOf(command);
        }
        long kib = (memoryBytes.getAsLong() + 1023) / 1024;
        List<String> out = new ArrayList<>(List.of(SHELL, "-c",
                "ulimit -d " + kib + " && exec \"$@\"", WRAPPER_NAME));
        out.addAll(command);
        return out;
    }

    /** Without a cgroup nothing tells a task of ours from any other process once its parent is gone. */
    @Override
    public Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits) {
        return Optional.empty();
    }

    @Override
    public boolean canReadopt() {
        return false;
    }

    /** Kills the process and its descendants when its environment carries the run token. */
    @Override
    public boolean killOrphan(long pid, String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return false;
        }
        byte[] env;
        try {
            env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException e) {
            return false;
        }
        if (!RunToken.isCarriedBy(env, runToken)) {
            return false;
        }
        killTree(handle.get());
        return true;
    }

    @Override
    public String describe() {
        return "rlimit: memory: " + MEMORY_MECHANISM + "; processes: " + PROCESS_MECHANISM
                + "; kill: the process tree (grandchildren reparented to init escape); re-adoption: not available";
    }

    /** Snapshots the tree before killing (killing a parent reparents its children), again until none is left. */
    static void killTree(ProcessHandle root) {
        Set<ProcessHandle> seen = new LinkedHashSet<>();
        for (int round = 0; round < KILL_ROUNDS; round++) {
            Set<ProcessHandle> victims = new LinkedHashSet<>();
            if (root.isAlive()) {
                victims.add(root);
            }
            root.descendants().forEach(victims::add);
            for (ProcessHandle h : seen) {
                if (h.isAlive()) {
                    victims.add(h);
                    h.descendants().forEach(victims::add);
                }
            }
            victims.removeIf(h -> !h.isAlive());
            if (victims.isEmpty()) {
                return;
            }
            seen.addAll(victims);
            victims.forEach(ProcessHandle::destroyForcibly);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(round < 3 ? 2 : 20));
        }
    }

    /** One task: its main process, with memory read from {@code /proc}. */
    private static final class Task implements SandboxedProcess {
        private final Process process;
        private final AtomicLong peak = new AtomicLong();
        private final CompletableFuture<ExitStatus> exit;
        private volatile boolean killed;

        Task(Process process) {
            this.process = process;
            this.exit = process.onExit().thenApply(p -> {
                int code = p.exitValue();
                return new ExitStatus(code, code > 128 ? ExitStatus.Reason.SIGNALED : ExitStatus.Reason.EXITED,
                        peak.get());
            });
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public ResourceUsage usage() {
            if (!process.isAlive()) {
                return new ResourceUsage(0, peak.get(), Duration.ZERO, 0);
            }
            long rss = 0;
            int count = 0;
            List<ProcessHandle> tree = new ArrayList<>();
            tree.add(process.toHandle());
            process.descendants().forEach(tree::add);
            for (ProcessHandle h : tree) {
                long kib = statusKib(h.pid(), "VmRSS:");
                if (kib >= 0) {
                    rss += kib * 1024;
                    count++;
                }
            }
            long highest = Math.max(rss, statusKib(process.pid(), "VmHWM:") * 1024);
            long p = peak.accumulateAndGet(highest, Math::max);
            Duration cpu = process.info().totalCpuDuration().orElse(Duration.ZERO);
            return new ResourceUsage(rss, p, cpu, count);
        }

        @Override
        public void terminate() {
            process.destroy();
        }

        @Override
        public void kill() {
            killed = true;
            killTree(process.toHandle());
        }

        @Override
        public CompletableFuture<ExitStatus> onExit() {
            return exit.copy();
        }

        @Override
        public String toString() {
            return "rlimit task pid " + process.pid() + (killed ? " (killed)" : "");
        }
    }

    // A "Name:   123 kB" line of /proc/<pid>/status, in KiB; -1 when the process or the line is gone.
    static long statusKib(long pid, String key) {
        try {
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8);
            return statusValueKib(status, key);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The value in KiB of a {@code /proc/<pid>/status} line such as {@code VmRSS:    1234 kB}; -1 when absent. */
    static long statusValueKib(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
