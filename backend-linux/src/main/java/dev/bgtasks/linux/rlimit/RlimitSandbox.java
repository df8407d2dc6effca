package dev.bgtasks.linux.rlimit;

import dev.bgtasks.linux.jna.PidExitWatch;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.spi.TaskSupervisor;
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
import java.util.stream.Stream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux fallback when no cgroup is writable: a per-process memory rlimit and nothing for the process count,
 * both said so in the capabilities, so the broker accepts them only from registrations that allow best-effort
 * limits (SPEC R9).
 *
 * <p>Memory is {@code RLIMIT_DATA} ({@code ulimit -d} in the task's supervisor before the command starts, so the
 * task starts under it): since Linux 4.7 it counts private writable mappings, about what a process commits. Not
 * {@code RLIMIT_AS}: a JVM reserves gigabytes of address space it never touches and does not start under a
 * tight one. Each process of the task gets the whole limit for itself, and an allocation past it fails inside the
 * task (no kill, no out-of-memory exit reason). A JVM also needs its thread stacks inside it: 64 MiB is too little
 * to start one, 128 MiB is enough. There is no per-task process limit: {@code RLIMIT_NPROC} counts every process
 * and thread of the user, so it caps the desktop, not the task. Kill is a tree walk, and grandchildren that were
 * reparented to init escape it.
 *
 * <p>The command runs as the child of its supervisor ({@link TaskSupervisor}, SPEC B5), which records its exit
 * status beside the run log, so a task that ends while no broker runs keeps its true outcome. A restarted broker
 * takes a live task back by the run token in its environment ({@code /proc/<pid>/environ}; pids are reused) and
 * watches its end through a pidfd ({@link PidExitWatch}).
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
    private static final int KILL_ROUNDS = 10;
    /** How long a launch waits for its supervisor to start the command. */
    private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(5);

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
        ProcessBuilder builder = new ProcessBuilder(command(limits.memoryLimit(), TaskEndRecords.exitFile(log),
                spec.command()));
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
        return Task.launched(process, commandOf(process));
    }

    /**
     * The task's supervisor: it sets the soft and hard {@code RLIMIT_DATA} (in KiB, rounded up) when there is a
     * memory limit, then runs the command with its arguments as data and records its exit status in
     * {@code exitFile}.
     */
    static List<String> command(OptionalLong memoryBytes, Path exitFile, List<String> command) {
        if (memoryBytes.isEmpty()) {
            return TaskSupervisor.command("", List.of(), exitFile, TaskSupervisor.Counters.NONE, command);
        }
        long kib = (memoryBytes.getAsLong() + 1023) / 1024;
        return TaskSupervisor.command("ulimit -d \"$1\" && shift 1", List.of(Long.toString(kib)), exitFile,
                TaskSupervisor.Counters.NONE, command);
    }

    /**
     * The command: the supervisor's child, as soon as it is there. A command that ended before it was seen leaves
     * the supervisor to stand for it.
     */
    static ProcessHandle commandOf(Process supervisor) throws IOException {
        long deadline = System.nanoTime() + COMMAND_DEADLINE.toNanos();
        int round = 0;
        while (true) {
            Optional<ProcessHandle> child = childOf(supervisor.pid());
            if (child.isPresent()) {
                TaskSupervisor.awaitExec(child.get(), supervisor.toHandle(), COMMAND_DEADLINE);
                return child.get();
            }
            if (!supervisor.isAlive()) {
                return supervisor.toHandle();
            }
            if (System.nanoTime() - deadline > 0) {
                supervisor.destroyForcibly();
                throw new IOException("the supervisor " + supervisor.pid() + " did not start its command within "
                        + COMMAND_DEADLINE.toMillis() + " ms");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(round++ < 50 ? 100 : 2000));
        }
    }

    /** The one child of {@code pid}: from {@code /proc/<pid>/task/<pid>/children}, else by a walk of all processes. */
    private static Optional<ProcessHandle> childOf(long pid) {
        Path children = Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children");
        try {
            String list = Files.readString(children, StandardCharsets.US_ASCII).strip();
            return list.isEmpty() ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(list.split("\\s+")[0]));
        } catch (IOException | NumberFormatException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.children().findFirst());
        }
    }

    /**
     * Takes back a task of a previous broker: the process must carry {@code BGTASKS_RUN_TOKEN=<runToken>} in its
     * environment (pids are reused). It keeps the rlimit it started under; its exit is watched through a pidfd, and
     * its exit code is its supervisor's to record.
     */
    @Override
    public Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits) {
        Objects.requireNonNull(runToken, "runToken");
        Objects.requireNonNull(limits, "limits");
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty() || !RunToken.isCarriedByProcess(() -> environ(pid), runToken)) {
            return Optional.empty();
        }
        LOG.info("re-adopted pid {} by its run token", pid);
        return Optional.of(Task.adopted(handle.get()));
    }

    /** The command (not its supervisor) of the task whose environment carries the token, if one is alive (B6). */
    @Override
    public OptionalLong findByToken(String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            // The command is the carrier whose parent is a supervisor: also before its exec, while its command line
            // is still its supervisor's.
            return all.filter(h -> h.pid() != ProcessHandle.current().pid())
                    .filter(h -> carries(h.pid(), runToken))
                    .filter(h -> h.parent().map(p -> isSupervisor(p.pid())).orElse(false))
                    .mapToLong(ProcessHandle::pid)
                    .findFirst();
        }
    }

    @Override
    public boolean canReadopt() {
        return true;
    }

    private static boolean carries(long pid, String runToken) {
        return environ(pid).map(env -> RunToken.isCarriedBy(env, runToken)).orElse(false);
    }

    private static Optional<byte[]> environ(long pid) {
        try {
            return Optional.of(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // The supervisor's command line: SHELL -c <script> NAME ...
    private static boolean isSupervisor(long pid) {
        try {
            String[] args = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"),
                    StandardCharsets.UTF_8).split("\0", 5);
            return args.length >= 4 && args[0].equals(TaskSupervisor.SHELL) && args[1].equals("-c")
                    && args[3].equals(TaskSupervisor.NAME);
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the process and its descendants when its environment carries the run token. */
    @Override
    public boolean killOrphan(long pid, String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty() || !RunToken.isCarriedByProcess(() -> environ(pid), runToken)) {
            return false;
        }
        killTree(handle.get());
        return true;
    }

    @Override
    public String describe() {
        return "rlimit: memory: " + MEMORY_MECHANISM + "; processes: " + PROCESS_MECHANISM
                + "; kill: the process tree (grandchildren reparented to init escape); the supervisor, " + TaskSupervisor.SHELL
                + ", records the command's exit status beside the run log, so a task that ends while no broker runs"
                + " keeps its outcome; re-adoption: run token in /proc/<pid>/environ, exit seen through a pidfd";
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

    /**
     * One task: the command is its main process, the child of its supervisor. A task this sandbox started ends with
     * its supervisor, our child, whose exit status is the command's. A task of a previous broker is not our child,
     * so its exit code is its supervisor's record: it ends when the command and its supervisor have both exited (the
     * supervisor writes the record between the two).
     */
    private static final class Task implements SandboxedProcess {
        private final ProcessHandle command;
        private final ProcessHandle treeRoot;
        private final TreeUsage usage;
        private final CompletableFuture<ExitStatus> exit;
        private final String description;

        private Task(ProcessHandle command, ProcessHandle treeRoot, Function<TreeUsage, CompletableFuture<ExitStatus>>
                exit, String description) {
            this.command = command;
            this.treeRoot = treeRoot;
            this.usage = new TreeUsage(command);
            this.exit = exit.apply(usage);
            this.description = description;
        }

        static Task launched(Process supervisor, ProcessHandle command) {
            // The supervisor exits with the command's status: 128 + n for a command that signal n ended.
            return new Task(command, supervisor.toHandle(), usage -> supervisor.onExit().thenApply(p -> {
                int code = p.exitValue();
                return new ExitStatus(code, code > 128 ? ExitStatus.Reason.SIGNALED : ExitStatus.Reason.EXITED,
                        usage.peak());
            }), "rlimit task pid " + command.pid() + " (supervisor " + supervisor.pid() + ")");
        }

        static Task adopted(ProcessHandle command) {
            CompletableFuture<Void> commandExit = PidExitWatch.start(command.pid());
            CompletableFuture<Void> supervisorExit = command.parent().filter(p -> isSupervisor(p.pid()))
                    .map(p -> PidExitWatch.start(p.pid())).orElse(CompletableFuture.completedFuture(null));
            return new Task(command, command, usage -> CompletableFuture.allOf(commandExit, supervisorExit)
                    .thenApply(ignored -> new ExitStatus(-1, ExitStatus.Reason.EXIT_CODE_UNKNOWN, usage.peak())),
                    "re-adopted rlimit task pid " + command.pid());
        }

        @Override
        public long pid() {
            return command.pid();
        }

        @Override
        public ResourceUsage usage() {
            return usage.read();
        }

        /** To the command: its supervisor ignores the polite signal, as it must to outlive it. */
        @Override
        public void terminate() {
            command.destroy();
        }

        @Override
        public void kill() {
            killTree(treeRoot);
        }

        @Override
        public CompletableFuture<ExitStatus> onExit() {
            return exit.copy();
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** The memory of a task's tree, read from {@code /proc}, with the highest seen kept as its peak. */
    private static final class TreeUsage {
        private final ProcessHandle root;
        private final AtomicLong peak = new AtomicLong();

        TreeUsage(ProcessHandle root) {
            this.root = root;
        }

        long peak() {
            return peak.get();
        }

        ResourceUsage read() {
            if (!root.isAlive()) {
                return new ResourceUsage(0, peak.get(), Duration.ZERO, 0);
            }
            long rss = 0;
            int count = 0;
            List<ProcessHandle> tree = new ArrayList<>();
            tree.add(root);
            root.descendants().forEach(tree::add);
            for (ProcessHandle h : tree) {
                long kib = statusKib(h.pid(), "VmRSS:");
                if (kib >= 0) {
                    rss += kib * 1024;
                    count++;
                }
            }
            long highest = Math.max(rss, statusKib(root.pid(), "VmHWM:") * 1024);
            long p = peak.accumulateAndGet(highest, Math::max);
            Duration cpu = root.info().totalCpuDuration().orElse(Duration.ZERO);
            return new ResourceUsage(rss, p, cpu, count);
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
