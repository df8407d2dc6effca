package dev.bgtasks.windows.sandbox;

import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.windows.jna.Kernel32Calls;
import dev.bgtasks.windows.jna.Kernel32Library;
import dev.bgtasks.windows.jna.Win32Errors;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task process tree in its job object. It has ended when its main process has exited (seen by
 * {@code WaitForSingleObject} on the process handle) and the job holds no process any more: children that outlive
 * the main process keep the task alive until they exit or the broker kills the job.
 *
 * <p>A job memory limit makes the commit that would pass it fail inside the task; it kills nothing. The job then
 * posts {@code JOB_OBJECT_MSG_JOB_MEMORY_LIMIT}, and this terminates the whole job and records
 * {@code OUT_OF_MEMORY} (SPEC X10). Such messages are not guaranteed to arrive, so at the end the job's
 * {@code PeakJobMemoryUsed} is compared with the limit as well.
 *
 * <pre>{@code
 * JobProcess task = new JobProcess(jobs, calls, job, process, pid, key, limits, scheduler, consoles, onEnd);
 * task.startWatching();
 * task.onExit().thenAccept(status -> log.info("{}", status));
 * }</pre>
 */
final class JobProcess implements SandboxedProcess {
    /** The exit code {@code TerminateJobObject} gives every process of a job the broker kills. */
    static final int KILLED_EXIT_CODE = 1;
    /** What a console program's default handler exits with on {@code CTRL_BREAK} or {@code CTRL_C}. */
    static final int STATUS_CONTROL_C_EXIT = 0xC000013A;
    /**
     * A peak within this of the limit counts as having reached it: a refused commit leaves the peak below the limit
     * by the size of the refused request, at least one allocation granule (64 KiB).
     */
    static final long PEAK_SLACK_BYTES = 64L << 10;
    /** Between two looks at the job's process count once the main process has exited: from 2 ms growing to this. */
    static final long MAX_EMPTY_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final Logger LOG = LoggerFactory.getLogger(JobProcess.class);

    private final Kernel32Library jobs;
    private final Kernel32Calls calls;
    private final WinNT.HANDLE job;
    private final WinNT.HANDLE process;
    private final long pid;
    private final ScheduledExecutorService scheduler;
    private final ConsoleBreak consoles;
    private final Runnable onEnd;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final AtomicBoolean memoryLimitHit = new AtomicBoolean();
    private final AtomicBoolean processLimitHit = new AtomicBoolean();
    private final Object handleLock = new Object();
    private volatile boolean killedByUs;
    private volatile boolean breakSent;
    private volatile boolean mainExited;
    private volatile Integer exitCode;
    private volatile ResourceUsage finalUsage;
    private boolean handlesClosed;
    /** The limits held by the job: the registration's, or a memory limit the task changed since. */
    private volatile ResourceLimits limits;

    JobProcess(Kernel32Library jobs, Kernel32Calls calls, WinNT.HANDLE job, WinNT.HANDLE process, long pid,
               ResourceLimits limits, ScheduledExecutorService scheduler, ConsoleBreak consoles, Runnable onEnd) {
        this.jobs = jobs;
        this.calls = calls;
        this.job = job;
        this.process = process;
        this.pid = pid;
        this.limits = limits;
        this.scheduler = scheduler;
        this.consoles = consoles;
        this.onEnd = onEnd;
    }

    /** Starts the thread that waits for the main process to exit. */
    void startWatching() {
        Thread watcher = new Thread(this::waitForMainExit, "bgtasks-job-exit-" + pid);
        watcher.setDaemon(true);
        watcher.start();
    }

    private void waitForMainExit() {
        Integer code = null;
        int waited = calls.WaitForSingleObject(process, WinBase.INFINITE);
        if (waited == WinBase.WAIT_OBJECT_0) {
            IntByReference value = new IntByReference();
            if (calls.GetExitCodeProcess(process, value)) {
                code = value.getValue();
            } else {
                LOG.warn("pid {} exited but its exit code cannot be read: {}", pid, Win32Errors.lastError(calls));
            }
        } else {
            LOG.warn("waiting for pid {} failed ({}, {}); treating it as exited", pid, waited,
                    Win32Errors.lastError(calls));
        }
        onMainExit(code);
    }

    void onMainExit(Integer code) {
        exitCode = code;
        mainExited = true;
        runSoon(() -> checkEmpty(0));
    }

    /** A message of this task's job from the completion port; {@code data} is a pid for process messages. */
    void onJobMessage(int message, long data) {
        switch (message) {
            case Kernel32Library.JOB_OBJECT_MSG_JOB_MEMORY_LIMIT -> {
                if (memoryLimitHit.compareAndSet(false, true)) {
                    LOG.info("pid {}'s job reached its memory limit of {} bytes: terminating the job,"
                            + " OUT_OF_MEMORY", pid, limits.memoryLimit().orElse(-1));
                }
                terminateJob();
            }
            case Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT -> {
                if (processLimitHit.compareAndSet(false, true)) {
                    LOG.info("pid {}'s job refused a process beyond its limit of {}", pid,
                            limits.effectiveMaxProcesses());
                }
            }
            case Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO -> {
                if (mainExited) {
                    runSoon(() -> checkEmpty(0));
                }
            }
            default -> LOG.trace("pid {}'s job: message {} (pid {})", pid, message, data);
        }
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ResourceUsage usage() {
        ResourceUsage done = finalUsage;
        if (done != null) {
            return done;
        }
        synchronized (handleLock) {
            if (handlesClosed) {
                return finalUsage;
            }
            Kernel32Library.JobObjectBasicAccountingInformation accounting = accounting();
            Kernel32Library.JobObjectLimitViolationInformation violation =
                    new Kernel32Library.JobObjectLimitViolationInformation();
            long memory = query(Kernel32Library.JOB_OBJECT_LIMIT_VIOLATION_INFORMATION, violation)
                    ? violation.JobMemory : 0;
            long peak = Math.max(memory, peakJobMemory());
            return new ResourceUsage(memory, peak, cpuTime(accounting),
                    accounting == null ? 0 : accounting.ActiveProcesses);
        }
    }

    /** {@code CTRL_BREAK_EVENT} to the task's process group; see {@link ConsoleBreak}. */
    @Override
    public void terminate() {
        breakSent = true;
        if (!consoles.send(pid)) {
            LOG.info("CTRL_BREAK could not be sent to pid {} ({}); it is killed after the grace period", pid,
                    Win32Errors.lastError(calls));
        }
    }

    /** {@code TerminateJobObject}: every process of the job, whatever group or console it moved to (SPEC X13). */
    @Override
    public void kill() {
        if (exit.isDone()) {
            return;
        }
        terminateJob();
        if (mainExited) {
            runSoon(() -> checkEmpty(0));
        }
    }

    private void terminateJob() {
        killedByUs = true;
        synchronized (handleLock) {
            if (handlesClosed) {
                return;
            }
            if (!jobs.TerminateJobObject(job, KILLED_EXIT_CODE)) {
                LOG.warn("TerminateJobObject for pid {}'s job failed: {}", pid, Win32Errors.lastError(calls));
            }
        }
    }

    /** Writes a new job memory limit, keeping the other limits (SPEC X11). */
    @Override
    public boolean setMemoryLimit(long bytes) {
        ResourceLimits changed = new ResourceLimits(bytes, limits.maxProcesses(), limits.wallClock());
        synchronized (handleLock) {
            if (handlesClosed) {
                return false;
            }
            Kernel32Library.JobObjectExtendedLimitInformation info = WindowsJobSandbox.limitInformation(changed);
            if (!jobs.SetInformationJobObject(job, Kernel32Library.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION, info,
                    info.size())) {
                LOG.warn("could not set pid {}'s job memory limit to {} bytes: {}", pid, bytes,
                        Win32Errors.lastError(calls));
                return false;
            }
        }
        limits = changed;
        return true;
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    private void runSoon(Runnable action) {
        try {
            scheduler.execute(action);
        } catch (RejectedExecutionException e) {
            LOG.debug("sandbox closed; not watching pid {}'s job any more", pid);
        }
    }

    private void checkEmpty(long delayNanos) {
        if (exit.isDone() || finishing.get()) {
            return;
        }
        int active;
        synchronized (handleLock) {
            Kernel32Library.JobObjectBasicAccountingInformation accounting = accounting();
            active = accounting == null ? -1 : accounting.ActiveProcesses;
        }
        if (active <= 0) {
            if (active < 0) {
                LOG.warn("pid {}'s job cannot be read; taking its tree as ended", pid);
            }
            finish();
            return;
        }
        long next = delayNanos == 0 ? TimeUnit.MILLISECONDS.toNanos(2) : Math.min(delayNanos * 2,
                MAX_EMPTY_CHECK_NANOS);
        try {
            scheduler.schedule(() -> checkEmpty(next), next, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("sandbox closed; not watching pid {}'s job any more", pid);
        }
    }

    private void finish() {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        ExitStatus status;
        synchronized (handleLock) {
            Kernel32Library.JobObjectBasicAccountingInformation accounting = accounting();
            long peak = peakJobMemory();
            if (reachedLimit(peak, limits) && memoryLimitHit.compareAndSet(false, true)) {
                LOG.info("pid {}'s job peaked at {} bytes against its limit of {}: OUT_OF_MEMORY (no"
                        + " completion-port message was seen)", pid, peak, limits.memoryLimit().orElse(-1));
            }
            Integer code = exitCode;
            status = new ExitStatus(code == null ? -1 : code,
                    reasonOf(code, memoryLimitHit.get(), processLimitHit.get(), killedByUs, breakSent), peak);
            finalUsage = new ResourceUsage(0, peak, cpuTime(accounting), 0);
            handlesClosed = true;
            // The job is empty: closing its last handle (KILL_ON_JOB_CLOSE) kills nothing.
            calls.CloseHandle(job);
            calls.CloseHandle(process);
        }
        onEnd.run();
        LOG.debug("pid {}'s job ended: {}", pid, status);
        exit.complete(status);
    }

    /** Whether the job's peak came within {@link #PEAK_SLACK_BYTES} of its memory limit. */
    static boolean reachedLimit(long peak, ResourceLimits limits) {
        return limits.memoryLimit().isPresent() && peak > 0
                && peak + PEAK_SLACK_BYTES >= limits.memoryLimit().getAsLong();
    }

    /**
     * Why a task tree ended. The memory limit wins (the task was stopped for its memory, SPEC X10); a refused
     * process counts only when the task failed (a task that survived a refused start and exited 0 did its job);
     * then an unknown code stays unknown; our kill, or a console program that ended on our {@code CTRL_BREAK},
     * is a signal's end.
     *
     * @param exitCode the main process's exit code, null when unknown
     */
    static ExitStatus.Reason reasonOf(Integer exitCode, boolean memoryLimitHit, boolean processLimitHit,
                                      boolean killedByUs, boolean breakSent) {
        if (memoryLimitHit) {
            return ExitStatus.Reason.OUT_OF_MEMORY;
        }
        boolean failed = exitCode == null || exitCode != 0 || killedByUs;
        if (processLimitHit && failed) {
            return ExitStatus.Reason.PROCESS_LIMIT;
        }
        if (exitCode == null) {
            return ExitStatus.Reason.EXIT_CODE_UNKNOWN;
        }
        if (killedByUs || (breakSent && exitCode == STATUS_CONTROL_C_EXIT)) {
            return ExitStatus.Reason.SIGNALED;
        }
        return ExitStatus.Reason.EXITED;
    }

    // Callers hold handleLock.
    private Kernel32Library.JobObjectBasicAccountingInformation accounting() {
        Kernel32Library.JobObjectBasicAccountingInformation info =
                new Kernel32Library.JobObjectBasicAccountingInformation();
        return query(Kernel32Library.JOB_OBJECT_BASIC_ACCOUNTING_INFORMATION, info) ? info : null;
    }

    // Callers hold handleLock.
    private long peakJobMemory() {
        Kernel32Library.JobObjectExtendedLimitInformation info =
                new Kernel32Library.JobObjectExtendedLimitInformation();
        return query(Kernel32Library.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION, info)
                ? info.PeakJobMemoryUsed.longValue() : 0;
    }

    private boolean query(int infoClass, Kernel32Library.LayoutStructure info) {
        if (handlesClosed) {
            return false;
        }
        boolean ok = jobs.QueryInformationJobObject(job, infoClass, info, info.size(), null);
        if (!ok) {
            LOG.debug("QueryInformationJobObject({}) for pid {} failed: error {}", infoClass, pid, calls.lastError());
        }
        return ok;
    }

    /** User plus kernel time of every process the job ever held, from 100 ns units. */
    private static Duration cpuTime(Kernel32Library.JobObjectBasicAccountingInformation accounting) {
        if (accounting == null) {
            return Duration.ZERO;
        }
        long hundredNanos = accounting.TotalUserTime + accounting.TotalKernelTime;
        return Duration.ofNanos(hundredNanos * 100);
    }
}
