package dev.bgtasks.linux.cgroup;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.SandboxedProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task in its systemd user scope. Unlike {@link CgroupProcess}, the cgroup is systemd's: the scope and its
 * counters go as soon as it empties, so they are sampled while the task runs, the task ends when its main process
 * exits, and the cgroup is never removed here. A SIGKILL that bgtasks did not send and no OOM kill sampled is
 * checked with systemd ({@link ScopeUnits}), which reads the scope's OOM counter before it removes the cgroup. The counters and the kill are
 * read and written through the scope's {@link CgroupV2Task}; the exit reason is {@link CgroupProcess#reasonOf}'s.
 *
 * <pre>{@code
 * ScopeProcess p = new ScopeProcess(process, scopeTask, "bgtasks-0123456789abcdef", scheduler);
 * p.onExit().thenAccept(status -> log.info("{}", status));   // OUT_OF_MEMORY after an oom_kill in the scope
 * }</pre>
 */
final class ScopeProcess implements SandboxedProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ScopeProcess.class);
    /** A shell's exit code for a process killed by SIGKILL, as {@link Process#exitValue()} reports it. */
    private static final int SIGKILL_EXIT = 128 + 9;

    private final Process process;
    /** Null when the task ended before it was seen in its scope. */
    private final CgroupV2Task scope;
    private final String unit;
    private final ScheduledExecutorService scheduler;
    /** Null when systemd cannot be asked. */
    private final ScopeUnits units;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong oomKills = new AtomicLong();
    private final AtomicLong limitHits = new AtomicLong();
    private volatile boolean killedByUs;

    /**
     * @param scope the scope's cgroup, null when the task was not seen in it
     * @param unit the scope's unit name
     * @param units asks systemd how the scope ended; null when it cannot be asked
     */
    ScopeProcess(Process process, CgroupV2Task scope, String unit, ScheduledExecutorService scheduler,
                 ScopeUnits units) {
        this.process = process;
        this.scope = scope;
        this.unit = unit;
        this.scheduler = scheduler;
        this.units = units;
        if (scope != null) {
            schedule(this::tick);
        }
        process.onExit().whenComplete((p, error) -> finish());
    }

    // Counters are sampled while the task runs: the scope's cgroup goes as soon as it empties.
    private void sample() {
        peak.accumulateAndGet(Math.max(scope.peakMemoryBytes().orElse(0), scope.memoryBytes()), Math::max);
        oomKills.accumulateAndGet(scope.oomKills(), Math::max);
        limitHits.accumulateAndGet(scope.processLimitHits(), Math::max);
    }

    private void tick() {
        if (exit.isDone()) {
            return;
        }
        sample();
        schedule(this::tick);
    }

    private void schedule(Runnable action) {
        try {
            scheduler.schedule(action, CgroupProcess.TICK_NANOS, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("not sampling scope {} any more", unit);
        }
    }

    private void finish() {
        if (scope != null) {
            sample();
        }
        int code = process.exitValue();
        ExitStatus.Reason reason = CgroupProcess.reasonOf(code, oomKills.get(), limitHits.get(), killedByUs);
        boolean unexplainedKill = reason == ExitStatus.Reason.SIGNALED && code == SIGKILL_EXIT && !killedByUs;
        if (units == null || !(unexplainedKill || reason == ExitStatus.Reason.OUT_OF_MEMORY)) {
            complete(code, reason);
            return;
        }
        // The OOM counter may have gone with the cgroup before the last sample: systemd read it, ask systemd. An
        // OOM-killed scope is failed in systemd and stays loaded until afterEnd unloads it.
        units.afterEnd(unit).whenComplete((result, error) -> complete(code,
                unexplainedKill && result != null && result.filter("oom-kill"::equals).isPresent()
                        ? ExitStatus.Reason.OUT_OF_MEMORY : reason));
    }

    private void complete(int code, ExitStatus.Reason reason) {
        ExitStatus status = new ExitStatus(code, reason, peak.get());
        LOG.debug("task in scope {} (pid {}) ended: {}", unit, process.pid(), status);
        exit.complete(status);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public ResourceUsage usage() {
        if (exit.isDone() || scope == null) {
            return new ResourceUsage(0, peak.get(), Duration.ZERO, 0);
        }
        long memory = scope.memoryBytes();
        long p = peak.accumulateAndGet(Math.max(memory, scope.peakMemoryBytes().orElse(0)), Math::max);
        return new ResourceUsage(memory, p, scope.cpuTime(), scope.processCount());
    }

    /** SIGTERM to the main process. */
    @Override
    public void terminate() {
        process.destroy();
    }

    /** The scope's {@code cgroup.kill} (the whole tree), and SIGKILL to the main process. */
    @Override
    public void kill() {
        killedByUs = true;
        if (scope != null && !scope.writeKill() && scope.exists()) {
            LOG.warn("scope {} has no cgroup.kill; killing the main process only", unit);
        }
        process.destroyForcibly();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    @Override
    public String toString() {
        return "scope " + unit + " pid " + process.pid();
    }
}
