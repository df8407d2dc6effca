package dev.bgtasks.linux.cgroup;

import dev.bgtasks.linux.jna.PidExitWatch;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.SandboxedProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task in its systemd user scope, under its supervisor (SPEC B5): systemd-run execs the supervisor's shell in
 * the scope, and the command is its child, the task's main process. Unlike {@link CgroupProcess}, the cgroup is
 * systemd's: the scope and its counters go as soon as it empties, so they are sampled while the task runs, the task
 * ends when its supervisor exits (its exit code is the command's status), and the cgroup is never removed here. A
 * SIGKILL that bgtasks did not send and no OOM kill sampled is checked with systemd ({@link ScopeUnits}), which reads
 * the scope's OOM counter before it removes the cgroup. The counters and the kill are read and written through the
 * scope's {@link CgroupV2Task}; the exit reason is {@link CgroupProcess#reasonOf}'s.
 *
 * <p>A task re-adopted after a broker restart (SPEC B3) is no child of this broker: its end is seen through a pidfd
 * on its supervisor (which exits only after it wrote the exit record), and its exit code is unknown here; the broker
 * takes it from the supervisor's record.
 *
 * <pre>{@code
 * ScopeProcess p = ScopeProcess.launched(supervisor, command, scopeTask, "bgtasks-0123456789abcdef", scheduler, units);
 * p.onExit().thenAccept(status -> log.info("{}", status));   // OUT_OF_MEMORY after an oom_kill in the scope
 * }</pre>
 */
final class ScopeProcess implements SandboxedProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ScopeProcess.class);
    /** A shell's exit code for a process killed by SIGKILL, as {@link Process#exitValue()} reports it. */
    private static final int SIGKILL_EXIT = 128 + 9;

    /** The supervisor this sandbox started; null for a re-adopted task. */
    private final Process supervisor;
    /** The task's main process: the command, or the supervisor when the command was not seen. */
    private final ProcessHandle main;
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

    private ScopeProcess(Process supervisor, ProcessHandle main, CgroupV2Task scope, String unit,
                         ScheduledExecutorService scheduler, ScopeUnits units) {
        this.supervisor = supervisor;
        this.main = main;
        this.scope = scope;
        this.unit = unit;
        this.scheduler = scheduler;
        this.units = units;
    }

    /**
     * A task this sandbox started.
     *
     * @param supervisor the sandbox's child, whose exit code is the command's status
     * @param command its child, the task's main process (the supervisor's handle when the command was not seen)
     * @param scope the scope's cgroup, null when the task was not seen in it
     * @param unit the scope's unit name
     * @param units asks systemd how the scope ended; null when it cannot be asked
     */
    static ScopeProcess launched(Process supervisor, ProcessHandle command, CgroupV2Task scope, String unit,
                                 ScheduledExecutorService scheduler, ScopeUnits units) {
        ScopeProcess p = new ScopeProcess(supervisor, command, scope, unit, scheduler, units);
        p.watch(supervisor.onExit().thenApply(Process::exitValue));
        return p;
    }

    /**
     * A task of a previous broker (SPEC B3): its end is its supervisor's exit, seen through a pidfd, and its exit
     * code is unknown here.
     *
     * @param command the task's main process
     * @param watched the process whose exit ends the task: the supervisor, or the command when it has none left
     */
    static ScopeProcess adopted(ProcessHandle command, ProcessHandle watched, CgroupV2Task scope, String unit,
                                ScheduledExecutorService scheduler, ScopeUnits units) {
        ScopeProcess p = new ScopeProcess(null, command, scope, unit, scheduler, units);
        p.watch(PidExitWatch.start(watched.pid()).thenApply(ignored -> null));
        return p;
    }

    private void watch(CompletionStage<Integer> end) {
        if (scope != null) {
            schedule(this::tick);
        }
        end.whenComplete((code, error) -> {
            if (error != null) {
                LOG.warn("watching the task in scope {} failed; treating it as ended", unit, error);
            }
            finish(code);
        });
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

    /** @param code the command's status, null when unknown (a re-adopted task) */
    private void finish(Integer code) {
        if (scope != null) {
            sample();
        }
        ExitStatus.Reason reason = CgroupProcess.reasonOf(code, oomKills.get(), limitHits.get(), killedByUs);
        boolean unexplainedKill = code != null && reason == ExitStatus.Reason.SIGNALED && code == SIGKILL_EXIT
                && !killedByUs;
        // A re-adopted task's scope is asked too: its OOM kill may have taken the supervisor before it wrote a record.
        boolean ask = unexplainedKill || code == null || reason == ExitStatus.Reason.OUT_OF_MEMORY;
        if (units == null || !ask) {
            complete(code, reason);
            return;
        }
        // The OOM counter may have gone with the cgroup before the last sample: systemd read it, ask systemd. An
        // OOM-killed scope is failed in systemd and stays loaded until afterEnd unloads it.
        units.afterEnd(unit).whenComplete((result, error) -> complete(code,
                (unexplainedKill || code == null) && result != null && result.filter("oom-kill"::equals).isPresent()
                        ? ExitStatus.Reason.OUT_OF_MEMORY : reason));
    }

    private void complete(Integer code, ExitStatus.Reason reason) {
        ExitStatus status = new ExitStatus(code == null ? -1 : code, reason, peak.get());
        LOG.debug("task in scope {} (pid {}) ended: {}", unit, main.pid(), status);
        exit.complete(status);
    }

    /** The command's pid (the supervisor's child), as the task's pid is everywhere. */
    @Override
    public long pid() {
        return main.pid();
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

    /**
     * SIGTERM to the command: the supervisor traps it (it must live to record the command's status), so a SIGTERM
     * to the supervisor alone would never reach the task.
     */
    @Override
    public void terminate() {
        main.destroy();
    }

    /** The scope's {@code cgroup.kill} (the whole tree), and SIGKILL to the supervisor and the command. */
    @Override
    public void kill() {
        killedByUs = true;
        if (scope != null && !scope.writeKill() && scope.exists()) {
            LOG.warn("scope {} has no cgroup.kill; killing the supervisor and the command only", unit);
        }
        if (supervisor != null) {
            supervisor.destroyForcibly();
        }
        main.destroyForcibly();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    @Override
    public String toString() {
        return "scope " + unit + " pid " + main.pid();
    }
}
