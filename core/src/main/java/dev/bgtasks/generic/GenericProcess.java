package dev.bgtasks.generic;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.software.os.OSProcess;

/**
 * One task tree under the generic watchdog: a process this broker started ({@link Process}) or one it re-adopted
 * ({@link ProcessHandle} only). Samples run on the sandbox's watchdog thread, one at a time.
 *
 * <p>Memory is the sum of the resident set sizes of the tree's processes; the process count is the tree's tasks in
 * the sense of {@code pids.max}: each process counts its threads (at least one).
 */
final class GenericProcess implements SandboxedProcess {
    private static final Logger LOG = LoggerFactory.getLogger(GenericProcess.class);
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .startsWith("windows");

    private final GenericSandbox sandbox;
    private final Process process;
    private final ProcessHandle root;
    private final String tokenEntry;
    private volatile ResourceLimits limits;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    /** Every process seen in the tree; kept to find them after their parent died and they were reparented. */
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    /** CPU milliseconds by (pid, start time), kept for processes that ended. */
    private final Map<ProcessKey, Long> cpuMillis = new ConcurrentHashMap<>();
    private final AtomicReference<ExitStatus.Reason> limitReason = new AtomicReference<>();
    private volatile boolean signalled;
    private volatile boolean strayScanDone;
    private volatile boolean oshiFailureLogged;
    private volatile long peakBytes;
    private volatile ResourceUsage usage = ResourceUsage.NONE;
    // Touched by the watchdog thread only.
    private final long startNanos = System.nanoTime();
    private long lastMemory = -1;
    private long lastTasks = -1;
    private long lastSampleNanos = startNanos;

    private GenericProcess(GenericSandbox sandbox, Process process, ProcessHandle root, String runToken,
                           ResourceLimits limits) {
        this.sandbox = sandbox;
        this.process = process;
        this.root = root;
        this.tokenEntry = RunToken.environmentEntry(runToken);
        this.limits = limits;
    }

    static GenericProcess child(GenericSandbox sandbox, Process process, String runToken, ResourceLimits limits) {
        return new GenericProcess(sandbox, process, process.toHandle(), runToken, limits);
    }

    static GenericProcess adopted(GenericSandbox sandbox, ProcessHandle handle, String runToken,
                                  ResourceLimits limits) {
        GenericProcess adopted = new GenericProcess(sandbox, null, handle, runToken, limits);
        // Strays of the previous broker's time, found by their token, belong to this tree.
        adopted.seen.addAll(GenericSandbox.carrying(adopted.tokenEntry));
        adopted.seen.remove(handle);
        return adopted;
    }

    /** First sample now, then every interval; the main process's exit triggers a sample at once. */
    void start() {
        CompletableFuture<?> mainExit = process != null ? process.onExit() : root.onExit();
        mainExit.whenComplete((ignored, failure) -> sandbox.runSoon(() -> sample(false)));
        sandbox.runSoon(() -> sample(true));
    }

    @Override
    public long pid() {
        return root.pid();
    }

    /** The last sample: at most one sampling interval old. */
    @Override
    public ResourceUsage usage() {
        return usage;
    }

    /** SIGTERM to the main process (on Windows, {@code TerminateProcess}). */
    /** The watchdog reads the limit at every sample, so a new one holds from the next sample on (SPEC X11). */
    @Override
    public boolean setMemoryLimit(long bytes) {
        limits = new ResourceLimits(bytes, limits.maxProcesses(), limits.wallClock());
        return true;
    }

    @Override
    public void terminate() {
        signalled = true;
        if (process != null) {
            process.destroy();
        } else {
            root.destroy();
        }
    }

    /**
     * Kills the whole tree: descendants are listed before the main process dies (which reparents them), then all
     * are killed, and again until none is left. Processes that left the tree earlier are found among those seen
     * before and, on Linux, by the run token in their environment.
     */
    @Override
    public void kill() {
        signalled = true;
        GenericSandbox.killUntilGone(this::victims, () -> {
            if (process != null) {
                process.destroyForcibly();
            }
        });
        sandbox.runSoon(() -> sample(false));
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    // ---- the watchdog ----

    private Set<ProcessHandle> victims() {
        Set<ProcessHandle> tree = GenericSandbox.liveTree(root, seen);
        tree.addAll(GenericSandbox.carrying(tokenEntry));
        rememberAll(tree);
        return tree;
    }

    private void rememberAll(Set<ProcessHandle> tree) {
        for (ProcessHandle h : tree) {
            if (!h.equals(root)) {
                seen.add(h);
            }
        }
    }

    private boolean mainRunning() {
        return process != null ? process.isAlive() : GenericSandbox.running(root);
    }

    private void sample(boolean chained) {
        if (exit.isDone()) {
            return;
        }
        long next = sandbox.interval().toNanos();
        try {
            next = sampleOnce();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("sampling the tree of pid {} failed", root.pid(), e);
        } finally {
            if (chained && !exit.isDone()) {
                sandbox.schedule(() -> sample(true), Duration.ofNanos(next));
            }
        }
    }

    // Returns the delay before the next sample.
    private long sampleOnce() {
        boolean mainRunning = mainRunning();
        if (!mainRunning && !strayScanDone) {
            // The main process is gone: whatever still carries the token is left of the tree.
            strayScanDone = true;
            for (ProcessHandle stray : GenericSandbox.carrying(tokenEntry)) {
                seen.add(stray);
            }
        }
        seen.removeIf(h -> !GenericSandbox.running(h));
        Set<ProcessHandle> tree = GenericSandbox.liveTree(mainRunning ? root : null, seen);
        rememberAll(tree);
        if (!mainRunning && tree.isEmpty()) {
            finish();
            return sandbox.interval().toNanos();
        }
        int maxTasks = limits.effectiveMaxProcesses();
        if (tree.size() > maxTasks) {
            // Every process is at least one task: no need to count threads.
            usage = new ResourceUsage(usage.memoryBytes(), peakBytes, usage.cpuTime(), tree.size());
            overLimit(ExitStatus.Reason.PROCESS_LIMIT, tree.size() + " processes > " + maxTasks);
            return sandbox.fastInterval().toNanos();
        }
        long memory = 0;
        int tasks = 0;
        List<Integer> pids = new ArrayList<>(tree.size());
        tree.forEach(h -> pids.add((int) h.pid()));
        try {
            for (OSProcess p : sandbox.os().getProcesses(pids)) {
                if (p.getState() == OSProcess.State.ZOMBIE || p.getState() == OSProcess.State.INVALID) {
                    continue;
                }
                memory += Math.max(0, p.getResidentMemory());
                tasks += Math.max(1, p.getThreadCount());
                cpuMillis.put(new ProcessKey(p.getProcessID(), p.getStartTime()),
                        Math.max(0, p.getUserTime()) + Math.max(0, p.getKernelTime()));
            }
        } catch (RuntimeException | LinkageError e) {
            if (!oshiFailureLogged) {
                oshiFailureLogged = true;
                LOG.warn("OSHI cannot read the processes of pid {}'s tree; only the process count is watched",
                        root.pid(), e);
            }
            memory = 0;
            tasks = tree.size();
        }
        long peak = Math.max(peakBytes, memory);
        peakBytes = peak;
        usage = new ResourceUsage(memory, peak, cpuTime(), tasks);

        OptionalLong memoryLimit = limits.memoryLimit();
        if (memoryLimit.isPresent() && memory > memoryLimit.getAsLong()) {
            overLimit(ExitStatus.Reason.OUT_OF_MEMORY, memory + " bytes > " + memoryLimit.getAsLong());
            return sandbox.fastInterval().toNanos();
        }
        if (tasks > maxTasks) {
            overLimit(ExitStatus.Reason.PROCESS_LIMIT, tasks + " tasks > " + maxTasks);
            return sandbox.fastInterval().toNanos();
        }
        long now = System.nanoTime();
        long normal = sandbox.interval().toNanos();
        long fast = sandbox.fastInterval().toNanos();
        long memoryDelay = nextSampleDelay(memoryLimit, memory, lastMemory, now - lastSampleNanos, now - startNanos,
                normal, fast);
        long taskDelay = nextSampleDelay(OptionalLong.of(maxTasks), tasks, lastTasks, now - lastSampleNanos,
                now - startNanos, normal, fast);
        lastMemory = memory;
        lastTasks = tasks;
        lastSampleNanos = now;
        return Math.min(memoryDelay, taskDelay);
    }

    /**
     * When to sample next for one limit (memory, or tasks): at the normal interval, or at the fast one while the
     * tree is above 80 % of the limit, while the growth since the last sample would reach the limit before the next
     * normal sample, and during the first normal interval after launch (when nothing is known about the growth yet
     * and programs grow fastest).
     *
     * @param limit the limit, empty for none
     * @param value the tree's use now
     * @param lastValue the use at the previous sample, negative before the first
     * @param sinceLast nanoseconds since the previous sample
     * @param sinceStart nanoseconds since the watchdog took the tree on
     */
    static long nextSampleDelay(OptionalLong limit, long value, long lastValue, long sinceLast, long sinceStart,
                                long normal, long fast) {
        if (limit.isEmpty()) {
            return normal;
        }
        long max = limit.getAsLong();
        if (value > GenericSandbox.FAST_SAMPLING_FRACTION * max || sinceStart < normal) {
            return fast;
        }
        if (lastValue >= 0 && sinceLast > 0 && value > lastValue) {
            double perNano = (double) (value - lastValue) / sinceLast;
            double nanosToLimit = (max - value) / perNano;
            if (nanosToLimit < normal) {
                return fast;
            }
        }
        return normal;
    }

    private Duration cpuTime() {
        long total = 0;
        for (long ms : cpuMillis.values()) {
            total += ms;
        }
        return Duration.ofMillis(total);
    }

    private void overLimit(ExitStatus.Reason reason, String detail) {
        if (limitReason.compareAndSet(null, reason)) {
            LOG.info("pid {}'s tree is over its limit ({}): killing it, {}", root.pid(), detail, reason);
        }
        kill();
    }

    private void finish() {
        ResourceUsage last = usage;
        usage = new ResourceUsage(0, peakBytes, last.cpuTime(), 0);
        ExitStatus.Reason limit = limitReason.get();
        ExitStatus status;
        if (process == null) {
            status = new ExitStatus(-1, limit != null ? limit : ExitStatus.Reason.EXIT_CODE_UNKNOWN, peakBytes);
        } else {
            int code = process.exitValue();
            status = new ExitStatus(code, limit != null ? limit : reasonOf(code, signalled, WINDOWS), peakBytes);
        }
        if (exit.complete(status)) {
            LOG.debug("pid {}'s tree ended: {}", root.pid(), status);
        }
    }

    /**
     * EXITED or SIGNALED for a main process that the watchdog did not stop. On Unix a signal death reads as
     * 128 + the signal number, which is all a parent learns through {@link Process#exitValue()}; on Windows a
     * kill leaves no mark in the code, so only our own kill counts there.
     */
    static ExitStatus.Reason reasonOf(int exitCode, boolean signalledByUs, boolean windows) {
        boolean bySignal = windows ? signalledByUs : exitCode > 128;
        return bySignal ? ExitStatus.Reason.SIGNALED : ExitStatus.Reason.EXITED;
    }

    private record ProcessKey(int pid, long startTime) {
    }
}
