package dev.bgtasks.store;

import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored task instance, one row of its life from PENDING to COMPLETED. Fields that do not apply yet are null.
 *
 * <pre>{@code
 * store.read(tx -> tx.instance(instanceId)).ifPresent(row -> log.info("{} {}", row.state(), row.outcome()));
 * }</pre>
 *
 * @param instanceId the instance's id
 * @param taskId the registration it belongs to (the registration may be gone since)
 * @param appId the app
 * @param triggerName the trigger slot it occupies while PENDING or RUNNING
 * @param state PENDING, RUNNING or COMPLETED
 * @param arguments the encoded trigger arguments
 * @param progress last reported progress, 0 to 100
 * @param runToken the one-time token of the task process (SPEC S2)
 * @param pid the task's main process id while RUNNING, or null
 * @param cancelReason the reason of the one cancellation, or null (SPEC X6)
 * @param outcome how it ended, or null while not COMPLETED
 * @param terminationReason why it was stopped by force, or null
 * @param errorClass the exception class of a failed run, or null
 * @param errorMessage the exception message or a description of the failure, or null
 * @param exitCode the main process's exit code, or null
 * @param peakMemoryBytes the peak memory of the tree, or null
 * @param requestedAt when {@code requestAsync} created it
 * @param startedAt when its process started, or null
 * @param cancelRequestedAt when it was cancelled, or null
 * @param endedAt when it completed, or null
 * @param delivered whether an app listener has received its completion (SPEC X5)
 * @param result the task's encoded result map ({@code ValueMapCodec}), or null when it set none (SPEC P2)
 * @param attempt which attempt this is or was, 1 for the first (SPEC P1)
 * @param nextAttemptAt when a PENDING instance's next attempt may start, after its backoff; null when it may start
 *     as soon as its conditions hold (SPEC P1)
 */
public record InstanceRow(UUID instanceId, UUID taskId, String appId, String triggerName, InstanceState state,
                          byte[] arguments, int progress, String runToken, Long pid,
                          BackgroundTaskCancellationReason cancelReason, TaskOutcome outcome,
                          TerminationReason terminationReason, String errorClass, String errorMessage,
                          Integer exitCode, Long peakMemoryBytes, Instant requestedAt, Instant startedAt,
                          Instant cancelRequestedAt, Instant endedAt, boolean delivered, byte[] result,
                          int attempt, Instant nextAttemptAt) {
    public InstanceRow {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(triggerName, "triggerName");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(runToken, "runToken");
        Objects.requireNonNull(requestedAt, "requestedAt");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
    }

    /** A row on its first attempt, without a result: the shape before SPEC P1 and P2. */
    public InstanceRow(UUID instanceId, UUID taskId, String appId, String triggerName, InstanceState state,
                       byte[] arguments, int progress, String runToken, Long pid,
                       BackgroundTaskCancellationReason cancelReason, TaskOutcome outcome,
                       TerminationReason terminationReason, String errorClass, String errorMessage,
                       Integer exitCode, Long peakMemoryBytes, Instant requestedAt, Instant startedAt,
                       Instant cancelRequestedAt, Instant endedAt, boolean delivered) {
        this(instanceId, taskId, appId, triggerName, state, arguments, progress, runToken, pid, cancelReason, outcome,
                terminationReason, errorClass, errorMessage, exitCode, peakMemoryBytes, requestedAt, startedAt,
                cancelRequestedAt, endedAt, delivered, null, 1, null);
    }

    /** A new PENDING instance. */
    public static InstanceRow pending(UUID instanceId, UUID taskId, String appId, String triggerName,
                                      byte[] arguments, String runToken, Instant requestedAt) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.PENDING, arguments, 0,
                runToken, null, null, null, null, null, null, null, null, requestedAt, null, null, null, false, null, 1,
                null);
    }

    /** A new QUEUED instance: it waits for the one holding its trigger slot (SPEC P3). */
    public static InstanceRow queued(UUID instanceId, UUID taskId, String appId, String triggerName,
                                     byte[] arguments, String runToken, Instant requestedAt) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.QUEUED, arguments, 0,
                runToken, null, null, null, null, null, null, null, null, requestedAt, null, null, null, false, null, 1,
                null);
    }

    /** This QUEUED instance now holds its slot, PENDING. */
    public InstanceRow promoted() {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.PENDING, arguments, progress,
                runToken, pid, cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode,
                peakMemoryBytes, requestedAt, startedAt, cancelRequestedAt, endedAt, delivered, result, attempt, nextAttemptAt);
    }

    public InstanceRow started(long processId, Instant at) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.RUNNING, arguments, progress,
                runToken, processId, cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode,
                peakMemoryBytes, requestedAt, at, cancelRequestedAt, endedAt, delivered, result, attempt, nextAttemptAt);
    }

    /** This instance with another run token: a standby's, handed the instance with it (SPEC W1). */
    public InstanceRow withRunToken(String token) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, state, arguments, progress, token, pid,
                cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode, peakMemoryBytes,
                requestedAt, startedAt, cancelRequestedAt, endedAt, delivered, result, attempt, nextAttemptAt);
    }

    public InstanceRow withProgress(int value) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, state, arguments, value, runToken, pid,
                cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode, peakMemoryBytes,
                requestedAt, startedAt, cancelRequestedAt, endedAt, delivered, result, attempt, nextAttemptAt);
    }

    public InstanceRow cancelled(BackgroundTaskCancellationReason reason, Instant at) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, state, arguments, progress, runToken, pid,
                reason, outcome, terminationReason, errorClass, errorMessage, exitCode, peakMemoryBytes,
                requestedAt, startedAt, at, endedAt, delivered, result, attempt, nextAttemptAt);
    }

    /** This instance COMPLETED with the given result. */
    public InstanceRow completed(TaskOutcome how, TerminationReason termination, String failureClass,
                                 String failureMessage, Integer code, Long peakMemory, Instant at) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.COMPLETED, arguments,
                progress, runToken, pid, cancelReason, how, termination, failureClass, failureMessage, code,
                peakMemory, requestedAt, startedAt, cancelRequestedAt, at, delivered, result, attempt, nextAttemptAt);
    }

    /** This instance with the result map its task set (SPEC P2), encoded; it replaces an earlier one. */
    public InstanceRow withResult(byte[] encoded) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, state, arguments, progress, runToken, pid,
                cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode, peakMemoryBytes,
                requestedAt, startedAt, cancelRequestedAt, endedAt, delivered, encoded, attempt, nextAttemptAt);
    }

    /**
     * This instance, its attempt over, PENDING again as its next attempt (SPEC P1): a fresh run token, the process,
     * progress, cancellation, error and result of the last attempt cleared, and the time it may start.
     */
    public InstanceRow nextAttempt(String newRunToken, Instant notBefore) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.PENDING, arguments, 0,
                newRunToken, null, null, null, null, null, null, null, null, requestedAt, null, null, null, false,
                null, attempt + 1, notBefore);
    }

    /** This PENDING instance's backoff is over (SPEC P1): it starts once its conditions hold. */
    public InstanceRow backoffOver() {
        return new InstanceRow(instanceId, taskId, appId, triggerName, state, arguments, progress, runToken, pid,
                cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode, peakMemoryBytes,
                requestedAt, startedAt, cancelRequestedAt, endedAt, delivered, result, attempt, null);
    }
}
