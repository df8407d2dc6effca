package dev.bgtasks.generic;

import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * The generic sandbox: plain {@link ProcessBuilder} processes and a watchdog that samples each task tree (the main
 * process and all its descendants) and kills the tree when it passes its memory or process limit. Nothing is held
 * by the kernel, so a task can overshoot between two samples: both limits are {@link Enforcement#BEST_EFFORT}, and
 * the broker accepts them only from registrations that allow best-effort limits (SPEC R9).
 *
 * <p>One daemon thread samples every live task: every 200 ms; every 50 ms while a tree is above 80 % of its memory
 * or process limit, while its growth would reach a limit before the next sample, and in its first 200 ms. On Linux,
 * processes that left the tree (a parent died and they were reparented) are still found by the run
 * token in their environment, and zombies nobody reaps count as gone. A watchdog cannot hold a process before its
 * first instruction (SPEC X1): the first sample is taken as soon as the process has started.
 *
 * <pre>{@code
 * GenericSandbox sandbox = new GenericSandbox();
 * SandboxedProcess p = sandbox.launch(spec, ResourceLimits.builder().memoryBytes(256L << 20).build());
 * p.onExit().thenAccept(status -> log.info("{}", status));
 * }</pre>
 */
final class GenericSandbox implements ProcessSandbox {
    static final Duration SAMPLE_INTERVAL = Duration.ofMillis(200);
    static final Duration FAST_SAMPLE_INTERVAL = Duration.ofMillis(50);
    /** Above this share of the memory limit the watchdog samples at the fast interval. */
    static final double FAST_SAMPLING_FRACTION = 0.8;
    /** Snapshot-and-kill rounds before {@link #killUntilGone} gives up. */
    static final int KILL_ROUNDS = 25;

    /** What a watchdog cannot do at the start (SPEC X1), said in {@link #describe()}. */
    static final String START_CAVEAT = "limits hold from the watchdog's first sample just after the start, not"
            + " before the task's first instruction";

    private static final Logger LOG = LoggerFactory.getLogger(GenericSandbox.class);

    private final Duration interval;
    private final Duration fastInterval;
    private final Object watchdogLock = new Object();
    private ScheduledThreadPoolExecutor watchdog;

    GenericSandbox() {
        this(SAMPLE_INTERVAL, FAST_SAMPLE_INTERVAL);
    }

    GenericSandbox(Duration interval, Duration fastInterval) {
        this.interval = requirePositive(interval, "interval");
        this.fastInterval = requirePositive(fastInterval, "fastInterval");
        // OSHI's first process reading loads JNA and takes a few hundred ms: pay it now, not in a task's first
        // sample, when a fast-growing task would overshoot its limit meanwhile.
        runSoon(GenericSandbox::warmUp);
    }

    private static void warmUp() {
        try {
            int self = (int) ProcessHandle.current().pid();
            Oshi.systemInfo().getOperatingSystem().getProcesses(List.of(self)).forEach(OSProcess::getResidentMemory);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("OSHI cannot read processes here; the watchdog will count processes only", e);
        }
    }

    @Override
    public SandboxCapabilities capabilities() {
        return new SandboxCapabilities(
                Enforcement.BEST_EFFORT, "watchdog sampling the process tree's resident memory every "
                        + interval.toMillis() + " ms (" + fastInterval.toMillis() + " ms above "
                        + Math.round(FAST_SAMPLING_FRACTION * 100) + " % of the limit, when the growth would reach"
                        + " it before the next sample, and just after launch); no kernel memory limit",
                Enforcement.BEST_EFFORT, "watchdog counting the tree's processes and threads every "
                        + interval.toMillis() + " ms (" + fastInterval.toMillis() + " ms under the same rules);"
                        + " no kernel process limit");
    }

    @Override
    public SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(limits, "limits");
        Path log = spec.logFile().toAbsolutePath();
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        ProcessBuilder builder = new ProcessBuilder(spec.command());
        // The whole environment, never the broker's with additions (SPEC S5).
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        builder.directory(spec.workingDirectory().toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        try {
            // The task reads end-of-file, never blocks on a pipe nobody writes.
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing stdin of pid {} failed", process.pid(), e);
        }
        GenericProcess task = GenericProcess.child(this, process, spec.runToken(), limits);
        task.start();
        LOG.debug("launched pid {} under the watchdog: {}", process.pid(), spec.command());
        return task;
    }

    /**
     * Takes back a live task process of a previous broker, after checking that its environment carries exactly
     * {@code BGTASKS_RUN_TOKEN=<runToken>} (pids are reused). Needs Linux {@code /proc}. The adopted tree is watched
     * under the registration's limits again; its exit is seen through
     * {@link ProcessHandle#onExit()} and the watchdog, and its exit code is unknown.
     */
    @Override
    public Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits) {
        Objects.requireNonNull(runToken, "runToken");
        if (!canReadopt()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(GenericSandbox::running);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        if (!RunToken.isCarriedByProcess(() -> ProcFs.environ(pid), runToken)) {
            LOG.warn("not adopting pid {}: its environment does not carry the run token", pid);
            return Optional.empty();
        }
        // The handle holds the start time: if the pid was reused since ProcessHandle.of, it is not alive.
        if (!running(handle.get())) {
            return Optional.empty();
        }
        GenericProcess task = GenericProcess.adopted(this, handle.get(), runToken, limits);
        task.start();
        return Optional.of(task);
    }

    @Override
    public boolean canReadopt() {
        return ProcFs.available();
    }

    /**
     * Kills what a previous broker's task left: the process {@code pid} and its descendants when its environment
     * carries the run token, and every other process that carries it. Without {@code /proc} nothing can be checked,
     * so nothing is killed.
     */
    @Override
    public boolean killOrphan(long pid, String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        if (!ProcFs.available()) {
            LOG.warn("cannot check the run token of pid {} without /proc; not killing it", pid);
            return false;
        }
        String entry = RunToken.environmentEntry(runToken);
        Optional<ProcessHandle> root = ProcessHandle.of(pid).filter(GenericSandbox::running)
                .filter(h -> RunToken.isCarriedByProcess(() -> ProcFs.environ(pid), runToken));
        Set<ProcessHandle> seen = new LinkedHashSet<>();
        Supplier<Set<ProcessHandle>> victims = () -> {
            Set<ProcessHandle> tree = liveTree(root.orElse(null), seen);
            tree.addAll(carrying(entry));
            seen.addAll(tree);
            return tree;
        };
        Set<ProcessHandle> first = victims.get();
        if (first.isEmpty()) {
            return false;
        }
        boolean gone = killUntilGone(victims, () -> { });
        LOG.info("killed {} process(es) left by the task of pid {}{}", first.size(), pid,
                gone ? "" : "; some are still alive");
        return true;
    }

    @Override
    public String describe() {
        return "generic: best effort (watchdog), no kernel limits; memory: " + capabilities().memoryMechanism()
                + "; processes: " + capabilities().processMechanism()
                + "; tree kill: snapshot of the descendants, then destroyForcibly (SIGKILL) of all, repeated"
                + (ProcFs.available() ? ", plus processes carrying the run token" : "")
                + "; re-adoption: " + (canReadopt()
                        ? "by run token in /proc/<pid>/environ, exit seen by ProcessHandle.onExit(), which polls"
                                + " non-children, and the watchdog; exit code unknown"
                        : "not available (no /proc)")
                + "; no supervisor: a task that ends while no broker runs leaves no exit record"
                + "; start: " + START_CAVEAT;
    }

    // ---- shared by the task handles ----

    Duration interval() {
        return interval;
    }

    Duration fastInterval() {
        return fastInterval;
    }

    OperatingSystem os() {
        return Oshi.systemInfo().getOperatingSystem();
    }

    void schedule(Runnable sample, Duration delay) {
        executor().schedule(sample, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    void runSoon(Runnable sample) {
        executor().execute(sample);
    }

    private ScheduledThreadPoolExecutor executor() {
        synchronized (watchdogLock) {
            if (watchdog == null) {
                watchdog = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, "bgtasks-generic-watchdog");
                    thread.setDaemon(true);
                    return thread;
                });
                watchdog.setRemoveOnCancelPolicy(true);
            }
            return watchdog;
        }
    }

    /** Alive and not a zombie that nobody reaps (where {@code /proc} can tell). */
    static boolean running(ProcessHandle handle) {
        return handle.isAlive() && !ProcFs.isEnded(handle.pid());
    }

    /**
     * The running processes of a tree: {@code root} (when given and running) with its descendants, and every
     * running process of {@code extraRoots} (processes seen in the tree before, which may have been reparented
     * since) with theirs.
     */
    static Set<ProcessHandle> liveTree(ProcessHandle root, Collection<ProcessHandle> extraRoots) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        if (root != null && running(root)) {
            tree.add(root);
            root.descendants().filter(GenericSandbox::running).forEach(tree::add);
        }
        List<ProcessHandle> pending = new ArrayList<>();
        for (ProcessHandle extra : extraRoots) {
            if (!tree.contains(extra) && running(extra)) {
                pending.add(extra);
            }
        }
        if (pending.isEmpty()) {
            return tree;
        }
        if (pending.size() <= 4) {
            for (ProcessHandle extra : pending) {
                if (tree.add(extra)) {
                    extra.descendants().filter(GenericSandbox::running).forEach(tree::add);
                }
            }
            return tree;
        }
        // Many strays (a parent died and left its children): one scan of the process table, not one per stray.
        Map<Long, List<ProcessHandle>> children = new HashMap<>();
        ProcessHandle.allProcesses().forEach(h -> h.parent()
                .ifPresent(parent -> children.computeIfAbsent(parent.pid(), k -> new ArrayList<>()).add(h)));
        Deque<ProcessHandle> queue = new ArrayDeque<>(pending);
        while (!queue.isEmpty()) {
            ProcessHandle next = queue.poll();
            if (tree.add(next)) {
                for (ProcessHandle child : children.getOrDefault(next.pid(), List.of())) {
                    if (running(child)) {
                        queue.add(child);
                    }
                }
            }
        }
        return tree;
    }

    /** Running processes, this one excepted, whose environment carries exactly {@code entry}. */
    static List<ProcessHandle> carrying(String entry) {
        List<ProcessHandle> found = new ArrayList<>();
        for (long pid : ProcFs.pidsCarrying(entry)) {
            ProcessHandle.of(pid).filter(GenericSandbox::running).ifPresent(found::add);
        }
        return found;
    }

    /**
     * Takes a snapshot of the victims, kills them all, and repeats until a snapshot is empty or
     * {@link #KILL_ROUNDS} rounds are spent. The snapshot comes first because killing a parent reparents its
     * children, after which they are no longer its descendants.
     *
     * @param victims the processes still to kill; called once per round
     * @param beforeKill called in each round between the snapshot and the kills (kills the main process)
     * @return true when nothing is left
     */
    static boolean killUntilGone(Supplier<Set<ProcessHandle>> victims, Runnable beforeKill) {
        long self = ProcessHandle.current().pid();
        for (int round = 0; round < KILL_ROUNDS; round++) {
            Set<ProcessHandle> snapshot = victims.get();
            if (snapshot.isEmpty()) {
                return true;
            }
            beforeKill.run();
            for (ProcessHandle victim : snapshot) {
                if (victim.pid() != self) {
                    victim.destroyForcibly();
                }
            }
            // SIGKILL is delivered asynchronously; give it a moment before the next snapshot.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(round < 3 ? 2 : 10));
        }
        Set<ProcessHandle> left = victims.get();
        if (!left.isEmpty()) {
            LOG.warn("{} process(es) still alive after {} kill rounds: {}", left.size(), KILL_ROUNDS,
                    left.stream().map(ProcessHandle::pid).toList());
        }
        return left.isEmpty();
    }

    private static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }
}
