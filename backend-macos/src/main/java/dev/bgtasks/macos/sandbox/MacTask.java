package dev.bgtasks.macos.sandbox;

import dev.bgtasks.macos.jna.ErrnoException;
import dev.bgtasks.macos.jna.SystemLib;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.SandboxedProcess;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task under the macOS watchdog: its process group (its supervisor leads it, or the main process of a task taken
 * back from a broker before supervisors), sampled by a {@link GroupWatch} on the sandbox's watchdog thread, killed as
 * a tree by {@link TreeKill}. It ends once the process it waits for (the supervisor, or a re-adopted main process)
 * has ended and no process of the group, nor any that left it, is alive.
 *
 * <pre>{@code
 * SandboxedProcess task = sandbox.launch(spec, limits);
 * task.onExit().thenAccept(status -> log.info("{}", status));   // OUT_OF_MEMORY when the watchdog killed it
 * }</pre>
 */
final class MacTask implements SandboxedProcess {
    private static final Logger LOG = LoggerFactory.getLogger(MacTask.class);

    private final MacWatchdogSandbox sandbox;
    private volatile int pid;
    private final int pgid;
    private final boolean child;
    private final String tokenEntry;
    private final GroupWatch watch;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final AtomicReference<ExitStatus.Reason> limitReason = new AtomicReference<>();
    private volatile CompletableFuture<OptionalInt> leaderExit;
    private volatile ResourceLimits limits;
    private volatile ResourceUsage usage = ResourceUsage.NONE;
    private volatile boolean strayScanDone;

    MacTask(MacWatchdogSandbox sandbox, int pid, int pgid, boolean child, String tokenEntry, ResourceLimits limits) {
        this.sandbox = sandbox;
        this.pid = pid;
        this.pgid = pgid;
        this.child = child;
        this.tokenEntry = tokenEntry;
        this.limits = limits;
        this.watch = new GroupWatch(pgid, sandbox.policy(), sandbox.nanoTime());
    }

    /** Watches the main process's end, takes the first sample now, then keeps sampling on the watchdog thread. */
    void start(CompletableFuture<OptionalInt> mainExit) {
        this.leaderExit = mainExit;
        mainExit.whenComplete((status, failure) -> sandbox.runSoon(() -> sample(false)));
        Duration next = sampleOnce();
        if (!exit.isDone()) {
            sandbox.schedule(() -> sample(true), next);
        }
    }

    GroupWatch watch() {
        return watch;
    }

    /** The supervisor has started the command: from now on the task's pid is the command's. */
    void commandStarted(int commandPid) {
        this.pid = commandPid;
    }

    @Override
    public long pid() {
        return pid;
    }

    /** The last sample: at most one sampling interval old. */
    @Override
    public ResourceUsage usage() {
        return usage;
    }

    /**
     * SIGTERM to the main process (the command; its supervisor traps the signal to outlive it); the broker kills the
     * tree after the grace period.
     */
    @Override
    public void terminate() {
        try {
            sandbox.libc().kill(pid, SystemLib.SIGTERM);
        } catch (ErrnoException e) {
            LOG.debug("SIGTERM to pid {}: errno {}", pid, e.errno());
        }
    }

    /** {@code killpg(SIGKILL)} on the group, then the straggler walk (by parent and by run token). */
    @Override
    public void kill() {
        sandbox.treeKill().kill(pgid, watch.escapees(), tokenEntry);
        sandbox.runSoon(() -> sample(false));
    }

    /** The watchdog reads the limit at every sample, so a new one holds from the next sample on (SPEC X11). */
    @Override
    public boolean setMemoryLimit(long bytes) {
        ResourceLimits now = limits;
        limits = new ResourceLimits(bytes, now.maxProcesses(), now.wallClock());
        return true;
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    private void sample(boolean chained) {
        if (exit.isDone()) {
            return;
        }
        Duration next = sandbox.policy().far();
        try {
            next = sampleOnce();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("sampling the process group of pid {} failed", pid, e);
        } finally {
            if (chained && !exit.isDone()) {
                sandbox.schedule(() -> sample(true), next);
            }
        }
    }

    private Duration sampleOnce() {
        CompletableFuture<OptionalInt> mainExit = leaderExit;
        boolean mainEnded = mainExit != null && mainExit.isDone();
        if (mainEnded && !strayScanDone) {
            // The main process is gone: whatever still carries the token is left of the tree.
            strayScanDone = true;
            watch.track(sandbox.carriers(tokenEntry));
        }
        GroupWatch.Verdict verdict = watch.sample(sandbox.nanoTime(), sandbox.table(), limits);
        usage = verdict.usage();
        if (verdict.killFor() != null) {
            if (limitReason.compareAndSet(null, verdict.killFor())) {
                LOG.info("pid {}'s process group is over its limit ({}): killing it, {}", pid, verdict.detail(),
                        verdict.killFor());
            }
            kill();
        } else if (mainEnded && verdict.empty()) {
            finish(mainExit.join());
        }
        return verdict.nextSample();
    }

    private void finish(OptionalInt waitStatus) {
        usage = new ResourceUsage(0, watch.peakBytes(), usage.cpuTime(), 0);
        ExitStatus.Reason limit = limitReason.get();
        ExitStatus status;
        if (!child || waitStatus.isEmpty()) {
            status = new ExitStatus(-1, limit != null ? limit : ExitStatus.Reason.EXIT_CODE_UNKNOWN,
                    watch.peakBytes());
        } else {
            // The supervisor exits with the command's status, 128 + n for a command that signal n ended.
            int raw = waitStatus.getAsInt();
            int code = WaitStatus.exitCode(raw);
            ExitStatus.Reason reason = WaitStatus.signaled(raw) || code > 128 ? ExitStatus.Reason.SIGNALED
                    : ExitStatus.Reason.EXITED;
            status = new ExitStatus(code, limit != null ? limit : reason, watch.peakBytes());
        }
        if (exit.complete(status)) {
            LOG.debug("pid {}'s process group ended: {}", pid, status);
        }
    }
}
