package dev.bgtasks.linux.cgroup;

import dev.bgtasks.linux.jna.PidExitWatch;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.SandboxedProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task process tree in its task cgroup. It has ended when its main process has exited and its cgroup holds no
 * process any more: grandchildren that outlive the main process keep the task alive until they exit or the broker
 * calls {@link #kill()}. Then the status is read from the cgroup's counters and the cgroup is removed.
 *
 * <pre>{@code
 * CgroupProcess p = CgroupProcess.child(task, process, scheduler, limited);
 * p.onExit().thenAccept(status -> log.info("{}", status));
 * }</pre>
 */
final class CgroupProcess implements SandboxedProcess {
    /** Between two looks at {@code cgroup.procs} once the main process has exited: from 0 growing to this. */
    static final long MAX_EMPTY_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /**
     * How often a task is checked for an OOM kill where the kernel kills only one process, and its memory sampled
     * where the kernel keeps no peak.
     */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long the removal of the task cgroup is retried while the kernel releases it. */
    static final Duration REMOVE_DEADLINE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(CgroupProcess.class);

    private final CgroupTask cgroup;
    private final ProcessHandle main;
    /** The supervisor (SPEC B5) of a task this sandbox started; null for a re-adopted task. */
    private final Process process;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final AtomicLong sampledPeak = new AtomicLong();
    private volatile boolean killedByUs;
    private volatile boolean mainExited;
    private volatile Integer exitCode;
    private volatile ResourceUsage finalUsage;

    /** The limits written to the task's cgroup: the registration's, or a memory limit the task lowered since. */
    private volatile ResourceLimits limits;

    private CgroupProcess(CgroupTask cgroup, ProcessHandle main, Process process, ScheduledExecutorService scheduler,
                          ResourceLimits limits) {
        this.cgroup = cgroup;
        this.main = main;
        this.process = process;
        this.scheduler = scheduler;
        this.limits = limits;
    }

    /**
     * A task the sandbox started: {@code supervisor} is the sandbox's child, whose exit code is the command's
     * status (SPEC B5), and {@code command} its child, the task's main process.
     */
    static CgroupProcess child(CgroupTask cgroup, Process supervisor, ProcessHandle command,
                               ScheduledExecutorService scheduler, ResourceLimits limits) {
        CgroupProcess p = new CgroupProcess(cgroup, command, supervisor, scheduler, limits);
        p.watch(supervisor.onExit().thenApply(Process::exitValue), limits.memoryLimit().isPresent());
        return p;
    }

    /** A task of a previous broker: not our child, so its exit is seen through a pidfd and its code is unknown. */
    static CgroupProcess adopted(CgroupTask cgroup, ProcessHandle main, ScheduledExecutorService scheduler,
                                 ResourceLimits limits) {
        CgroupProcess p = new CgroupProcess(cgroup, main, null, scheduler, limits);
        p.watch(PidExitWatch.start(main.pid()).thenApply(ignored -> null), limits.memoryLimit().isPresent());
        return p;
    }

    /** Writes a new memory limit to the task's cgroup, keeping its process limit (SPEC X11). */
    @Override
    public synchronized boolean setMemoryLimit(long bytes) {
        ResourceLimits changed = new ResourceLimits(bytes, limits.maxProcesses(), limits.wallClock());
        try {
            cgroup.applyLimits(changed);
        } catch (IOException e) {
            LOG.warn("could not set the memory limit of {} to {} bytes", cgroup.name(), bytes, e);
            return false;
        }
        limits = changed;
        return true;
    }

    private void watch(CompletionStage<Integer> mainExit, boolean memoryLimited) {
        mainExit.whenComplete((code, error) -> {
            if (error != null) {
                LOG.warn("watching the main process {} failed; treating it as exited", main.pid(), error);
            }
            exitCode = code;
            mainExited = true;
            runSoon(() -> checkEmpty(0));
        });
        boolean emulateOomGroup = memoryLimited && !cgroup.killsTreeOnOom();
        boolean samplePeak = cgroup.peakMemoryBytes().isEmpty();
        if (emulateOomGroup || samplePeak) {
            schedule(() -> tick(emulateOomGroup, samplePeak), TICK_NANOS);
        }
    }

    CgroupTask cgroup() {
        return cgroup;
    }

    @Override
    public long pid() {
        return main.pid();
    }

    @Override
    public ResourceUsage usage() {
        ResourceUsage done = finalUsage;
        if (done != null) {
            return done;
        }
        long memory = cgroup.memoryBytes();
        long peak = peak(memory);
        return new ResourceUsage(memory, peak, cgroup.cpuTime(), cgroup.processCount());
    }

    // The kernel's peak where it keeps one, never below what was sampled.
    private long peak(long memoryNow) {
        long sampled = sampledPeak.accumulateAndGet(memoryNow, Math::max);
        OptionalLong kernel = cgroup.peakMemoryBytes();
        return Math.max(sampled, kernel.orElse(0));
    }

    /**
     * SIGTERM to the main process (the command, not its supervisor); what it does with its children is its own
     * business.
     */
    @Override
    public void terminate() {
        main.destroy();
    }

    /**
     * Kills the whole cgroup (processes that changed session or were reparented are still in it), and the main
     * process directly in case it had not joined yet. Returns once the cgroup is empty or the kill deadline passed.
     */
    @Override
    public void kill() {
        killedByUs = true;
        cgroup.kill();
        if (process != null) {
            process.destroyForcibly();
        }
        main.destroyForcibly();
        if (mainExited) {
            runSoon(() -> checkEmpty(0));
        }
    }

    private void schedule(Runnable action, long delayNanos) {
        try {
            scheduler.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("sandbox closed; not watching task cgroup {} any more", cgroup.name());
        }
    }

    private void runSoon(Runnable action) {
        try {
            scheduler.execute(action);
        } catch (RejectedExecutionException e) {
            // The sandbox was closed: the task runs on unwatched, for a later broker to re-adopt.
            LOG.debug("sandbox closed; not watching task cgroup {} any more", cgroup.name());
        }
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    private void checkEmpty(long delayNanos) {
        if (exit.isDone() || finishing.get()) {
            return;
        }
        if (cgroup.isEmpty()) {
            finish();
            return;
        }
        long next = delayNanos == 0 ? TimeUnit.MILLISECONDS.toNanos(2)
                : Math.min(delayNanos * 2, MAX_EMPTY_CHECK_NANOS);
        schedule(() -> checkEmpty(next), next);
    }

    // For what the kernel does not do itself. On cgroup v1 (and v2 before memory.oom.group) the OOM killer takes
    // one process: the rest of the tree follows it, as SPEC X10 stops the whole task. Before memory.peak (5.19)
    // the peak is the highest sample.
    private void tick(boolean emulateOomGroup, boolean samplePeak) {
        if (finishing.get() || exit.isDone()) {
            return;
        }
        if (samplePeak) {
            sampledPeak.accumulateAndGet(cgroup.memoryBytes(), Math::max);
        }
        if (emulateOomGroup && cgroup.oomKills() > 0 && !cgroup.isEmpty()) {
            LOG.info("task cgroup {}: the kernel OOM-killed a process; killing the rest of the task", cgroup.name());
            killedByUs = true;
            cgroup.kill();
            emulateOomGroup = false;
        }
        if (emulateOomGroup || samplePeak) {
            boolean oom = emulateOomGroup;
            schedule(() -> tick(oom, samplePeak), TICK_NANOS);
        }
    }

    private void finish() {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        Integer code = exitCode;
        long oomKills = cgroup.oomKills();
        long limitHits = cgroup.processLimitHits();
        long peak = peak(0);
        ExitStatus status = new ExitStatus(code == null ? -1 : code, reasonOf(code, oomKills, limitHits, killedByUs),
                peak);
        finalUsage = new ResourceUsage(0, peak, cgroup.cpuTime(), 0);
        removeThenComplete(status, System.nanoTime() + REMOVE_DEADLINE.toNanos());
    }

    private void removeThenComplete(ExitStatus status, long deadline) {
        boolean removed = cgroup.remove();
        if (removed || System.nanoTime() - deadline >= 0) {
            if (!removed) {
                LOG.warn("task cgroup {} could not be removed; the next sandbox start removes it", cgroup.name());
            }
            LOG.debug("task {} (pid {}) ended: {}", cgroup.name(), main.pid(), status);
            exit.complete(status);
            return;
        }
        schedule(() -> removeThenComplete(status, deadline), TimeUnit.MILLISECONDS.toNanos(10));
    }

    /**
     * Why a task tree ended. The kernel's OOM kill wins (the task was stopped for its memory, SPEC X10); a refused
     * fork counts only when the task failed (a task that survived a refused fork and exited 0 did its job);
     * then an unknown exit code (re-adopted) stays unknown; a code above 128 is a signal's.
     *
     * @param exitCode the main process's exit code, null when unknown
     */
    static ExitStatus.Reason reasonOf(Integer exitCode, long oomKills, long processLimitHits, boolean killedByUs) {
        if (oomKills > 0) {
            return ExitStatus.Reason.OUT_OF_MEMORY;
        }
        boolean failed = exitCode == null || exitCode != 0 || killedByUs;
        if (processLimitHits > 0 && failed) {
            return ExitStatus.Reason.PROCESS_LIMIT;
        }
        if (exitCode == null) {
            return ExitStatus.Reason.EXIT_CODE_UNKNOWN;
        }
        return exitCode > 128 ? ExitStatus.Reason.SIGNALED : ExitStatus.Reason.EXITED;
    }
}
