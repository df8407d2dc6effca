package dev.bgtasks.broker;

import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.launch.JavaLauncher;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Running instances (SPEC X): the launch into the sandbox, the wall-clock budget (X7), cancellation and its grace
 * period (X6), the process's exit and the durable completion (X3, X4, X10).
 *
 * <pre>{@code
 * runs.launch(pending, definition);                 // under the broker's lock
 * runs.cancel(task, BackgroundTaskCancellationReason.ABORT);
 * runs.complete(row, Completion.terminated(TerminationReason.BROKER_LOST, why), null, null);
 * }</pre>
 *
 * <p>Callers hold the broker's lock; the timers and the process's exit take it themselves.
 */
final class TaskRuns {
    /** How often a running task's log is checked against its bound (SPEC B7). */
    static final Duration RUN_LOG_CHECK = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final int LOG_TAIL_CHARS = 400;

    private final BrokerContext ctx;
    private final JavaLauncher launcher;
    private final Completions completions;
    private final Retries retries;
    private final RetentionSweeper retention;
    private final RunLogs runLogs;
    // Guarded by the broker's lock.
    private final Map<UUID, RunningTask> running = new HashMap<>();
    private final Map<String, UUID> runningByToken = new HashMap<>();
    /** Instances whose JVM is to wait for a debugger at this port when it starts (bgtask trigger --debug). */
    private final Map<UUID, Integer> debugPorts = new HashMap<>();
    /** Set once by the broker, before any instance runs. */
    private java.util.function.Consumer<InstanceRow> slotFreed = done -> { };
    /** Standby hosts that may take an instance instead of a cold start (SPEC W1); none until the broker sets them. */
    private Standbys standbys;

    TaskRuns(BrokerContext ctx, JavaLauncher launcher, Completions completions, RetentionSweeper retention,
             Retries retries) {
        this.ctx = ctx;
        this.launcher = launcher;
        this.completions = completions;
        this.retention = retention;
        this.retries = retries;
        this.runLogs = new RunLogs(ctx.config.retention().runLogMaxBytes());
    }

    /**
     * The instance's JVM waits for a debugger at {@code port} when it starts: its first attempt, by this broker (a
     * debugging aid, kept in memory only). Its wall-clock budget runs meanwhile.
     */
    void debugOnLaunch(UUID instanceId, int port) {
        debugPorts.put(instanceId, port);
    }

    /** SPEC W1: from now on an instance goes to its registration's standby host when one can take it. */
    void useStandbys(Standbys pool) {
        this.standbys = pool;
    }

    /**
     * X1: starts the instance in its sandbox, or hands it to a standby host already in that sandbox (W1); a failed
     * start completes it as {@code LAUNCH_FAILED}.
     */
    void launch(InstanceRow pending, TaskDefinition definition) {
        Integer debugPort = debugPorts.remove(pending.instanceId());
        if (debugPort == null && standbys != null) {
            Standbys.Taken warm = standbys.take(pending, definition);
            if (warm != null) {
                launchOnStandby(pending, definition, warm);
                return;
            }
        }
        launchCold(pending, definition, debugPort);
    }

    /**
     * SPEC W1: the standby's process becomes the instance's, its token the instance's run token (stored with the
     * running record, as a cold start's pid is, B4), its log the instance's log; then the host is told to take it.
     */
    private void launchOnStandby(InstanceRow pending, TaskDefinition definition, Standbys.Taken warm) {
        InstanceRow started = pending.withRunToken(warm.token()).started(warm.process().pid(), ctx.clock.now());
        // First the log: a restarted broker reads a standby log still under the standby's name as "never taken".
        Path log = ctx.config.instanceLog(started.instanceId());
        boolean logMoved = true;
        try {
            Files.move(warm.logFile(), log, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            logMoved = false;
            LOG.warn("instance {}: its standby's log {} could not become its run log: {}", started.instanceId(),
                    warm.logFile(), e.toString());
        }
        // SPEC B4 (amended): a pending instance stored with the standby's token (lent at its trigger) is found by it
        // after a restart (B6), so, as a cold start's process, the host hears of it first and the running record
        // rides after; one stored with a token of its own is durable with the standby's before the host hears of it.
        boolean rides = logMoved && pending.runToken().equals(warm.token());
        if (!rides) {
            storeStarted(started, warm, false);
        }
        RunningTask task = new RunningTask(started, definition, warm.process());
        task.host = warm.control();
        task.hostEverAttached = true;
        task.beforeStandby = pending;
        track(task);
        if (running.get(started.instanceId()) != task) {
            return; // the standby died just now: onExit started the instance cold (W3)
        }
        task.budgetTimer = ctx.clock.schedule(definition.limits().effectiveWallClock(),
                () -> onBudgetSpent(started.instanceId()));
        warm.control().take(HostSessions.attachmentOf(task, ctx.signals.current().backgroundWorkCost()),
                TaskEndRecords.resultFile(log).toAbsolutePath().toString());
        if (rides) {
            storeStarted(started, warm, true);
        }
        LOG.info("instance {} of {} handed to the standby host pid {}", started.instanceId(), started.appId(),
                warm.process().pid());
    }

    private void storeStarted(InstanceRow started, Standbys.Taken warm, boolean riding) {
        try {
            if (riding) {
                ctx.store.writeRiding(tx -> tx.updateInstance(started));
            } else {
                ctx.store.run(tx -> tx.updateInstance(started));
            }
        } catch (RuntimeException e) {
            // Nothing may run that the store does not know of (SPEC B4).
            warm.process().kill();
            throw e;
        }
    }

    private void launchCold(InstanceRow lentOrOwn, TaskDefinition definition, Integer debugPort) {
        InstanceRow pending = standbys == null ? lentOrOwn : standbys.ownTokenIfLent(lentOrOwn);
        LaunchSpec spec = null;
        SandboxedProcess process;
        try {
            spec = TaskLaunch.spec(ctx.config, launcher, definition, pending.taskId(), pending.instanceId(),
                    pending.runToken(), debugPort);
            Files.createDirectories(spec.logFile().getParent());
            process = ctx.sandbox.launch(spec, definition.limits());
        } catch (IOException | RuntimeException e) {
            LOG.error("instance {} could not start: {}", pending.instanceId(), e.toString());
            String what = spec == null ? "task " + definition.name() : spec.command().get(0);
            complete(pending, new Completion(TaskOutcome.TERMINATED, TerminationReason.LAUNCH_FAILED,
                    e.getClass().getName(), "could not start " + what + ": " + e.getMessage()), null, null);
            return;
        }
        InstanceRow started = pending.started(process.pid(), ctx.clock.now());
        try {
            // SPEC B4 (amended): no client hears of pending -> running now, so it rides on the next durable commit
            // (the completion's at the latest); a restarted broker that finds the instance still pending looks for
            // its process by run token first (B6, Recovery).
            ctx.store.writeRiding(tx -> tx.updateInstance(started));
        } catch (RuntimeException e) {
            // Nothing may run that the store does not know of (SPEC B4).
            process.kill();
            throw e;
        }
        RunningTask task = new RunningTask(started, definition, process);
        track(task);
        task.budgetTimer = ctx.clock.schedule(definition.limits().effectiveWallClock(),
                () -> onBudgetSpent(started.instanceId()));
        LOG.info("instance {} of {} started as pid {}: {}", started.instanceId(), started.appId(), process.pid(),
                spec.command());
    }

    /** B3: takes back a process a previous broker started, with what is left of its budget and grace. */
    RunningTask adopt(InstanceRow row, TaskDefinition definition, SandboxedProcess process) {
        RunningTask task = new RunningTask(row, definition, process);
        task.readopted = true;
        track(task);
        Duration elapsed = Duration.between(row.startedAt(), ctx.clock.now());
        task.budgetTimer = ctx.clock.schedule(definition.limits().effectiveWallClock().minus(elapsed),
                () -> onBudgetSpent(row.instanceId()));
        if (row.cancelReason() != null) {
            Duration graceLeft = definition.cancellationGrace()
                    .minus(Duration.between(row.cancelRequestedAt(), ctx.clock.now()));
            task.graceTimer = ctx.clock.schedule(graceLeft, () -> onGraceOver(row.instanceId()));
        }
        LOG.info("instance {} re-adopted (pid {})", row.instanceId(), process.pid());
        return task;
    }

    private void track(RunningTask task) {
        UUID instanceId = task.row.instanceId();
        running.put(instanceId, task);
        runningByToken.put(task.row.runToken(), instanceId);
        task.logTimer = ctx.clock.schedule(RUN_LOG_CHECK, () -> onRunLogCheck(instanceId));
        task.process.onExit().whenComplete((status, error) -> onExit(instanceId, status, error));
    }

    /** B7: the output of a running task goes straight to its log; past the bound, the log is cut back. */
    private void onRunLogCheck(UUID instanceId) {
        synchronized (ctx.lock) {
            RunningTask task = running.get(instanceId);
            if (task == null || ctx.closed) {
                return;
            }
            Path log = ctx.config.instanceLog(instanceId);
            try {
                if (runLogs.capRunning(log)) {
                    LOG.info("instance {}: its log passed {} bytes and was cut back to its head; its output goes on "
                            + "after the cut", instanceId, ctx.config.retention().runLogMaxBytes());
                }
            } catch (IOException e) {
                LOG.warn("instance {}: could not check the size of its log {}: {}", instanceId, log, e.toString());
            }
            task.logTimer = ctx.clock.schedule(RUN_LOG_CHECK, () -> onRunLogCheck(instanceId));
        }
    }

    Optional<RunningTask> byToken(String runToken) {
        return Optional.ofNullable(runningByToken.get(runToken)).map(running::get);
    }

    boolean isRunning(UUID instanceId) {
        return running.containsKey(instanceId);
    }

    /** A snapshot: cancelling a task while walking it is safe. */
    List<RunningTask> all() {
        return List.copyOf(running.values());
    }

    /** The app asks to cancel its running instance with {@code ABORT}. */
    boolean cancel(String appId, UUID instanceId) {
        RunningTask task = running.get(instanceId);
        return task != null && task.row.appId().equals(appId)
                && cancel(task, BackgroundTaskCancellationReason.ABORT);
    }

    /** Cancels every running instance of the app (SPEC A4). */
    void cancelAll(String appId, BackgroundTaskCancellationReason reason) {
        for (RunningTask task : all()) {
            if (task.row.appId().equals(appId)) {
                cancel(task, reason);
            }
        }
    }

    /** Cancels the instance if it is running; a pending or ended one is left alone. */
    void cancelIfRunning(UUID instanceId, BackgroundTaskCancellationReason reason) {
        RunningTask task = running.get(instanceId);
        if (task != null) {
            cancel(task, reason);
        }
    }

    /**
     * SPEC R8, B3: cancels a running instance a restarted broker has not taken back yet (its host has not
     * reconnected). The cancellation is stored; the task hears it when it is taken back, and its grace runs from now.
     */
    void cancelNotTakenBack(InstanceRow row, BackgroundTaskCancellationReason reason) {
        InstanceRow cancelled = row.cancelled(reason, ctx.clock.now());
        ctx.store.run(tx -> tx.updateInstance(cancelled));
        LOG.info("instance {} cancelled before it was taken back: {}", cancelled.instanceId(), reason);
        completions.publish(cancelled.appId(),
                new AppEvent.Canceled(cancelled.taskId(), cancelled.instanceId(), reason));
    }

    /** SPEC X6: at most one cancellation per instance; a task still running after the grace period is killed. */
    boolean cancel(RunningTask task, BackgroundTaskCancellationReason reason) {
        if (task.cancelReason() != null) {
            return false;
        }
        InstanceRow cancelled = task.row.cancelled(reason, ctx.clock.now());
        ctx.store.run(tx -> tx.updateInstance(cancelled));
        task.row = cancelled;
        LOG.info("instance {} cancelled: {}; grace period {}", cancelled.instanceId(), reason,
                task.definition.cancellationGrace());
        completions.publish(cancelled.appId(),
                new AppEvent.Canceled(cancelled.taskId(), cancelled.instanceId(), reason));
        deliverCancellation(task);
        task.graceTimer = ctx.clock.schedule(task.definition.cancellationGrace(),
                () -> onGraceOver(cancelled.instanceId()));
        return true;
    }

    private void deliverCancellation(RunningTask task) {
        if (!task.isJavaTask()) {
            // A command learns of it the way programs do (SIGTERM, CTRL_BREAK), whoever reports its progress.
            task.process.terminate();
        } else if (task.host != null) {
            task.host.cancel(task.cancelReason());
        }
        // A Java task whose host has not attached yet learns of it when it attaches.
    }

    /** X7: the wall-clock budget is spent. */
    private void onBudgetSpent(UUID instanceId) {
        synchronized (ctx.lock) {
            RunningTask task = running.get(instanceId);
            if (task != null && !ctx.closed) {
                LOG.info("instance {} spent its wall-clock budget of {}", instanceId,
                        task.definition.limits().effectiveWallClock());
                cancel(task, BackgroundTaskCancellationReason.EXECUTION_TIME_EXCEEDED);
            }
        }
    }

    private void onGraceOver(UUID instanceId) {
        synchronized (ctx.lock) {
            RunningTask task = running.get(instanceId);
            if (task == null || ctx.closed) {
                return;
            }
            LOG.warn("instance {} still running {} after its cancellation: killing its process tree", instanceId,
                    task.definition.cancellationGrace());
            task.killedAfterGrace = true;
            task.process.kill();
        }
    }

    private void onExit(UUID instanceId, ExitStatus status, Throwable error) {
        synchronized (ctx.lock) {
            RunningTask task = running.remove(instanceId);
            if (task == null) {
                return;
            }
            runningByToken.remove(task.row.runToken());
            task.stopTimers();
            if (task.beforeStandby != null && !task.standbyConfirmed && !task.resultReported
                    && task.cancelReason() == null && !ctx.closed) {
                // SPEC W3: the standby died before it ran anything of the task; the instance starts cold, once.
                LOG.warn("instance {}: its standby host (pid {}) ended before it took the instance ({}); starting it"
                        + " cold", instanceId, task.process.pid(), status);
                InstanceRow again = task.beforeStandby;
                if (again.runToken().equals(task.row.runToken())) {
                    again = Standbys.withOwnToken(ctx, again); // lent by the standby that just died
                }
                launchCold(again, task.definition, null);
                return;
            }
            status = withRecords(task, status);
            Completion completion = error != null
                    ? new Completion(TaskOutcome.FAILED, null, error.getClass().getName(),
                            "lost track of the task process: " + error.getMessage())
                    : withLogTail(Completion.of(task, status), instanceId);
            Long peak = status == null || status.peakMemoryBytes() <= 0 ? null : status.peakMemoryBytes();
            Integer exitCode = status == null ? null : status.exitCode();
            LOG.info("instance {} completed: {}{}{}", instanceId, completion.outcome(),
                    completion.terminationReason() == null ? "" : " " + completion.terminationReason(),
                    completion.errorMessage() == null ? "" : " - " + completion.errorMessage());
            // SPEC P1: a Java task's request, or a command's EX_TEMPFAIL, asks for another attempt.
            boolean retryAsked = task.cancelReason() == null && (task.retryRequested
                    || (!task.isJavaTask() && status != null && status.reason() == ExitStatus.Reason.EXITED
                            && status.exitCode() == Retries.EX_TEMPFAIL));
            complete(task.row, completion, exitCode, peak, ctx.clock.now(), retryAsked);
        }
    }

    /** A failed launch says what the sandbox printed (e.g. {@code exec: .../bin/java: not found}). */
    private Completion withLogTail(Completion completion, UUID instanceId) {
        if (completion.terminationReason() != TerminationReason.LAUNCH_FAILED) {
            return completion;
        }
        Path log = ctx.config.instanceLog(instanceId);
        try {
            List<String> lines = Files.readAllLines(log);
            String tail = String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
            if (tail.length() > LOG_TAIL_CHARS) {
                tail = "..." + tail.substring(tail.length() - LOG_TAIL_CHARS);
            }
            return tail.isEmpty() ? completion : new Completion(completion.outcome(), completion.terminationReason(),
                    completion.errorClass(), completion.errorMessage() + ": " + tail);
        } catch (IOException | RuntimeException e) {
            return completion;
        }
    }

    /**
     * SPEC B5: what the task's own records add to what the sandbox saw. A re-adopted task is no child of this
     * broker, so only its supervisor's record knows its exit code; a Java host that reported its result to the
     * broker that died has it in its result record.
     */
    private ExitStatus withRecords(RunningTask task, ExitStatus status) {
        Path runLog = ctx.config.instanceLog(task.row.instanceId());
        if (task.isJavaTask() && !task.resultReported) {
            TaskEndRecords.readResult(TaskEndRecords.resultFile(runLog)).ifPresent(result -> {
                task.resultReported = true;
                task.reportedErrorClass = result.errorClass();
                task.reportedErrorMessage = result.errorMessage();
            });
        }
        if (status == null || status.reason() != ExitStatus.Reason.EXIT_CODE_UNKNOWN) {
            return status;
        }
        return EndRecords.exit(ctx.config, task.row).map(exit -> {
            ExitStatus recorded = exit.toExitStatus();
            return new ExitStatus(recorded.exitCode(), recorded.reason(),
                    Math.max(status.peakMemoryBytes(), recorded.peakMemoryBytes()));
        }).orElse(status);
    }

    /** Stores the completion, then tells the app (SPEC B4, X3); or, as its retry policy says, retries it (P1). */
    void complete(InstanceRow row, Completion completion, Integer exitCode, Long peakMemoryBytes) {
        complete(row, completion, exitCode, peakMemoryBytes, ctx.clock.now(), false);
    }

    /**
     * Stores the completion with the time it ended (a task that ended while no broker ran says when, SPEC B5), then
     * tells the app, and deletes the task's end records, which have served.
     */
    void complete(InstanceRow row, Completion completion, Integer exitCode, Long peakMemoryBytes, Instant endedAt) {
        complete(row, completion, exitCode, peakMemoryBytes, endedAt, false);
    }

    private void complete(InstanceRow row, Completion completion, Integer exitCode, Long peakMemoryBytes,
                          Instant endedAt, boolean retryAsked) {
        if (ctx.closed) {
            // A closed broker records nothing: the next one re-adopts or records the task (SPEC B3).
            return;
        }
        if (retries.retryInsteadOfCompleting(row, completion, exitCode, retryAsked)) {
            // The next attempt writes its own records beside the same run log: none of this one's may outlive it.
            deleteEndRecords(row);
            return;
        }
        InstanceRow done = row.completed(completion.outcome(), completion.terminationReason(),
                completion.errorClass(), completion.errorMessage(), exitCode, peakMemoryBytes, endedAt);
        ctx.store.run(tx -> tx.updateInstance(done));
        completions.publish(done.appId(), new AppEvent.Completed(Completions.toInfo(done, null, null)));
        // Served once the completion is durable (no broker reads a completed instance's records): the app hears first.
        deleteEndRecords(row);
        trimRunLog(done.instanceId());
        retention.onCompletion();
        slotFreed.accept(done);
    }

    private void deleteEndRecords(InstanceRow row) {
        if (!EndRecords.deleteAll(ctx.config, row)) {
            LOG.warn("instance {}: its end records beside {} could not be deleted", row.instanceId(),
                    ctx.config.instanceLog(row.instanceId()));
        }
    }

    /** B7: once the task has ended nothing writes its log, which becomes head and tail within the bound. */
    private void trimRunLog(UUID instanceId) {
        Path log = ctx.config.instanceLog(instanceId);
        try {
            runLogs.trimEnded(log);
        } catch (IOException e) {
            LOG.warn("instance {}: could not trim its log {}: {}", instanceId, log, e.toString());
        }
    }

    /** What runs when an instance has completed and left its trigger slot (SPEC P3: the queued one moves up). */
    void onSlotFreed(java.util.function.Consumer<InstanceRow> action) {
        this.slotFreed = action;
    }

    /**
     * SPEC B5: records the end of an instance that ended while no broker watched it, from the records it left.
     *
     * @param definition its registration's definition, or null when it was unregistered since
     */
    void completeFromRecords(InstanceRow row, TaskDefinition definition, TaskEndRecords.Exit exit,
                             TaskEndRecords.Result result) {
        Completion completion = Completion.ofRecords(definition, row, exit, result);
        Instant endedAt = exit != null ? exit.endedAt() : result.endedAt();
        Long peak = exit == null || exit.peakMemoryBytes() <= 0 ? null : exit.peakMemoryBytes();
        LOG.info("instance {} ended while no broker ran ({}): {}{}{}", row.instanceId(), endedAt,
                completion.outcome(), completion.terminationReason() == null ? "" : " " + completion.terminationReason(),
                exit == null ? "" : ", exit code " + exit.exitCode());
        // SPEC P1 holds for a task that ended while no broker ran: its request, or a command's EX_TEMPFAIL, asks for
        // another attempt, which its retry policy decides on as for any other end.
        boolean command = definition != null && definition.target() instanceof TaskTarget.Command;
        boolean retryAsked = result != null ? result.retryRequested()
                : command && exit != null && exit.toExitStatus().reason() == ExitStatus.Reason.EXITED
                        && exit.exitCode() == Retries.EX_TEMPFAIL;
        complete(row, completion, exit == null ? null : exit.exitCode(), peak, endedAt, retryAsked);
    }

    /** On close: no timer fires into a closed broker; the processes keep running (SPEC B3). */
    void stopTimers() {
        running.values().forEach(RunningTask::stopTimers);
    }
}
