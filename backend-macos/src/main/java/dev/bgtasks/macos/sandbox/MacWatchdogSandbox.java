package dev.bgtasks.macos.sandbox;

import dev.bgtasks.macos.jna.ErrnoException;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.spi.TaskSupervisor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The macOS sandbox. macOS has no kernel memory limit we can use (memory rlimits are ignored, and refused with
 * {@code EINVAL} since macOS 12) and no per-tree process cap ({@code RLIMIT_NPROC} counts all of the user's
 * processes), so both limits are held by a watchdog: each task starts through {@code posix_spawn} suspended, as the
 * leader of its own process group, with {@code BGTASKS_RUN_TOKEN} in its environment; the watchdog takes its first
 * sample and only then sends {@code SIGCONT}. Each sample sums {@code ri_phys_footprint} (what Activity Monitor
 * shows as "Memory") over the group and the children that left it, and counts those processes. Past the memory
 * limit the group is killed and the task ends {@code OUT_OF_MEMORY}; past the process limit, {@code PROCESS_LIMIT}.
 * A task can overshoot between two samples, so both limits are {@link Enforcement#BEST_EFFORT} and the broker
 * accepts them only from registrations that call {@code bestEffortLimits()} (SPEC R9).
 *
 * <pre>{@code
 * MacWatchdogSandbox sandbox = MacWatchdogSandbox.open();
 * SandboxedProcess p = sandbox.launch(spec, ResourceLimits.builder().memoryBytes(256L << 20).build());
 * p.onExit().thenAccept(status -> log.info("{}", status));
 * }</pre>
 *
 * <p>A kill is {@code killpg(SIGKILL)} on the group, then a walk of every process by parent pid and by the run token
 * in its environment ({@code KERN_PROCARGS2}), repeated until nothing is left.
 *
 * <p>The group's leader is the task's supervisor ({@link TaskSupervisor}, SPEC B5), a {@code /bin/sh} that runs the
 * command as its child, waits for it and records its exit status beside the run log, so a task that ends while no
 * broker runs keeps its true outcome. The task's pid is the command's, and polite cancellation signals it. A
 * re-adopted task's end is seen through kqueue {@code NOTE_EXIT}; it ends once its group (the supervisor with it)
 * is gone, and its exit code is then the supervisor's record's.
 */
public final class MacWatchdogSandbox implements ProcessSandbox {
    /** How long a launch waits for its supervisor to start the command. */
    static final Duration COMMAND_DEADLINE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(MacWatchdogSandbox.class);

    private final SystemCalls libc;
    private final ProcessTable table;
    private final PosixSpawner spawner;
    private final TreeKill treeKill;
    private final WatchdogPolicy policy;
    private final LongSupplier nanoTime;
    private final Object schedulerLock = new Object();
    private ScheduledThreadPoolExecutor scheduler;

    MacWatchdogSandbox(SystemCalls libc, ProcessTable table, PosixSpawner spawner, TreeKill treeKill,
                       WatchdogPolicy policy, LongSupplier nanoTime) {
        this.libc = Objects.requireNonNull(libc, "libc");
        this.table = Objects.requireNonNull(table, "table");
        this.spawner = Objects.requireNonNull(spawner, "spawner");
        this.treeKill = Objects.requireNonNull(treeKill, "treeKill");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The sandbox over libSystem (loads it: macOS only) with the default sampling policy.
     *
     * @return a sandbox whose watchdog thread starts with the first task
     */
    public static MacWatchdogSandbox open() {
        SystemCalls libc = SystemCalls.open();
        ProcessTable table = new DarwinProcessTable(libc);
        return new MacWatchdogSandbox(libc, table, new PosixSpawner(libc), new TreeKill(libc, table),
                WatchdogPolicy.DEFAULT, System::nanoTime);
    }

    @Override
    public SandboxCapabilities capabilities() {
        return new SandboxCapabilities(
                Enforcement.BEST_EFFORT, "watchdog summing ri_phys_footprint over the task's process group "
                        + policy.describe() + ", then killpg(SIGKILL); the task can overshoot between samples;"
                        + " no kernel memory limit on macOS",
                Enforcement.BEST_EFFORT, "watchdog counting the processes (not threads) of the task's process"
                        + " group " + policy.describe() + ", then killpg(SIGKILL); RLIMIT_NPROC is per user, not"
                        + " per task");
    }

    @Override
    public SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(limits, "limits");
        String tokenEntry = RunToken.environmentEntry(spec.runToken());
        // The broker's PATH finds the program, as it would without a supervisor; the shell gets its path.
        List<String> command = new ArrayList<>(spec.command());
        command.set(0, spawner.resolve(command.get(0)));
        List<String> supervised = TaskSupervisor.command("", List.of(), TaskEndRecords.exitFile(spec.logFile()),
                TaskSupervisor.Counters.NONE, command);
        AtomicReference<MacTask> started = new AtomicReference<>();
        int supervisor = spawner.spawn(supervised,
                PosixSpawner.taskEnvironment(spec.environment(), spec.runToken()), spec.workingDirectory(),
                spec.logFile(), held -> {
                    MacTask task = new MacTask(this, held, held, true, tokenEntry, limits);
                    started.set(task);
                    task.start(ExitWatch.child(libc, held));
                });
        MacTask task = started.get();
        task.commandStarted(commandOf(supervisor, task));
        LOG.debug("launched pid {} under its supervisor {}, which leads its process group under the watchdog: {}",
                task.pid(), supervisor, spec.command());
        return task;
    }

    /**
     * The command: the supervisor's child, as soon as it is there. A command that ended before it was seen (and
     * its supervisor with it) leaves the supervisor to stand for it.
     */
    private int commandOf(int supervisor, MacTask task) throws IOException {
        long deadline = nanoTime.getAsLong() + COMMAND_DEADLINE.toNanos();
        int round = 0;
        while (true) {
            int[] children = table.childrenOf(supervisor);
            if (children.length > 0) {
                Optional<ProcessHandle> command = ProcessHandle.of(children[0]);
                Optional<ProcessHandle> shell = ProcessHandle.of(supervisor);
                if (command.isPresent() && shell.isPresent()) {
                    TaskSupervisor.awaitExec(command.get(), shell.get(), COMMAND_DEADLINE);
                }
                return children[0];
            }
            if (!table.read(supervisor).alive()) {
                return supervisor;
            }
            if (nanoTime.getAsLong() - deadline > 0) {
                task.kill();
                throw new IOException("the supervisor " + supervisor + " did not start its command within "
                        + COMMAND_DEADLINE.toMillis() + " ms");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(round++ < 50 ? 100 : 2000));
        }
    }

    /**
     * Takes back a live task of a previous broker after checking that its environment carries exactly
     * {@code BGTASKS_RUN_TOKEN=<runToken>} (pids are reused). Its group and the processes that carry the token are
     * watched under the registration's limits again; its end is seen through kqueue, and its exit code is unknown.
     */
    @Override
    public Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits) {
        Objects.requireNonNull(runToken, "runToken");
        Objects.requireNonNull(limits, "limits");
        int id = (int) pid;
        String entry = RunToken.environmentEntry(runToken);
        Optional<ProcessTable.Entry> process = find(id);
        if (process.isEmpty()) {
            return Optional.empty();
        }
        if (!carries(id, entry)) {
            LOG.warn("not adopting pid {}: its environment does not carry the run token", pid);
            return Optional.empty();
        }
        int pgid = process.get().pgid();
        if (pgid != id && pgid != process.get().ppid()) {
            LOG.warn("re-adopted pid {} leads no process group, nor does its supervisor (its group is {}): watching"
                    + " that group", pid, pgid);
        }
        MacTask task = new MacTask(this, id, pgid, false, entry, limits);
        task.watch().track(carriers(entry));
        task.start(ExitWatch.adopted(libc, id));
        LOG.info("re-adopted pid {} (process group {})", pid, pgid);
        return Optional.of(task);
    }

    @Override
    public boolean canReadopt() {
        return true;
    }

    /**
     * Kills what a previous broker's task left: when {@code pid} carries the run token, its process group and its
     * descendants; in any case every process of this user that carries the token, with its descendants.
     */
    @Override
    public boolean killOrphan(long pid, String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        String entry = RunToken.environmentEntry(runToken);
        int id = (int) pid;
        List<Integer> known = new ArrayList<>();
        int pgid = 0;
        Optional<ProcessTable.Entry> process = find(id);
        if (process.isPresent() && carries(id, entry)) {
            known.add(id);
            pgid = process.get().pgid() == id ? id : 0;
        }
        known.addAll(carriers(entry));
        if (known.isEmpty()) {
            return false;
        }
        boolean gone = treeKill.kill(pgid, known, entry);
        LOG.info("killed what the task of pid {} left ({} process(es) carried its token){}", pid, known.size(),
                gone ? "" : "; some are still alive");
        return true;
    }

    @Override
    public String describe() {
        return "watchdog (best effort, no kernel limits on macOS): tasks spawned suspended as leaders of their own"
                + " process group (posix_spawn START_SUSPENDED|SETPGROUP, then SIGCONT); memory = sum of"
                + " ri_phys_footprint over the group, process count = its processes, sampled " + policy.describe()
                + "; over a limit: killpg(SIGKILL); overshoot = what the task allocates within one interval:"
                + " 10 ms of allocation near the limit (about 10 MB at 1 GB/s), up to 200 ms of it for a burst that"
                + " starts below half the limit; tree kill:"
                + " killpg, then every process by parent pid and by " + RunToken.ENVIRONMENT_VARIABLE + " in its environment"
                + " (KERN_PROCARGS2); the supervisor, " + TaskSupervisor.SHELL + ", leads the group and records the"
                + " command's exit status beside the run log, so a task that ends while no broker runs keeps its"
                + " outcome; re-adoption: by run token, exit seen by kqueue NOTE_EXIT, exit code from the"
                + " supervisor's record";
    }

    // ---- shared with the task handles ----

    SystemCalls libc() {
        return libc;
    }

    ProcessTable table() {
        return table;
    }

    TreeKill treeKill() {
        return treeKill;
    }

    WatchdogPolicy policy() {
        return policy;
    }

    long nanoTime() {
        return nanoTime.getAsLong();
    }

    void schedule(Runnable sample, Duration delay) {
        executor().schedule(sample, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    void runSoon(Runnable sample) {
        executor().execute(sample);
    }

    /** Pids of this user's processes, this one excepted, whose environment carries {@code entry}. */
    List<Integer> carriers(String entry) {
        int self = (int) ProcessHandle.current().pid();
        int uid = libc.getuid();
        List<Integer> found = new ArrayList<>();
        for (ProcessTable.Entry e : table.allProcesses()) {
            if (e.uid() == uid && e.pid() != self && carries(e.pid(), entry)) {
                found.add(e.pid());
            }
        }
        return found;
    }

    private boolean carries(int pid, String entry) {
        return table.environment(pid).map(env -> env.contains(entry)).orElse(false);
    }

    private Optional<ProcessTable.Entry> find(int pid) {
        try {
            libc.kill(pid, 0);
        } catch (ErrnoException e) {
            if (e.errno() == SystemLib.ESRCH) {
                return Optional.empty();
            }
        }
        return table.allProcesses().stream().filter(e -> e.pid() == pid).findFirst();
    }

    private ScheduledThreadPoolExecutor executor() {
        synchronized (schedulerLock) {
            if (scheduler == null) {
                scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, "bgtasks-mac-watchdog");
                    thread.setDaemon(true);
                    return thread;
                });
                scheduler.setRemoveOnCancelPolicy(true);
            }
            return scheduler;
        }
    }
}
