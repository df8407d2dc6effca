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
 */
public record InstanceRow(UUID instanceId, UUID taskId, String appId, String triggerName, InstanceState state,
                          byte[] arguments, int progress, String runToken, Long pid,
                          BackgroundTaskCancellationReason cancelReason, TaskOutcome outcome,
                          TerminationReason terminationReason, String errorClass, String errorMessage,
                          Integer exitCode, Long peakMemoryBytes, Instant requestedAt, Instant startedAt,
                          Instant cancelRequestedAt, Instant endedAt, boolean delivered) {
    public InstanceRow {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(triggerName, "triggerName");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(runToken, "runToken");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** A new PENDING instance. */
    public static InstanceRow pending(UUID instanceId, UUID taskId, String appId, String triggerName,
                                      byte[] arguments, String runToken, Instant requestedAt) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.PENDING, arguments, 0,
                runToken, null, null, null, null, null, null, null, null, requestedAt, null, null, null, false);
    }

    /** A new QUEUED instance: it waits for the one holding its trigger slot (SPEC P3). */
    public static InstanceRow queued(UUID instanceId, UUID taskId, String appId, String triggerName,
                                     byte[] arguments, String runToken, Instant requestedAt) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.QUEUED, arguments, 0,
                runToken, null, null, null, null, null, null, null, null, requestedAt, null, null, null, false);
    }

    /** This QUEUED instance now holds its slot, PENDING. */
    public InstanceRow promoted() {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.PENDING, arguments, progress,
                runToken, pid, cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode,
                peakMemoryBytes, requestedAt, startedAt, cancelRequestedAt, endedAt, delivered);
    }

    public InstanceRow started(long processId, Instant at) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.RUNNING, arguments, progress,
                runToken, processId, cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode,
                peakMemoryBytes, requestedAt, at, cancelRequestedAt, endedAt, delivered);
    }

    public InstanceRow withProgress(int value) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, state, arguments, value, runToken, pid,
                cancelReason, outcome, terminationReason, errorClass, errorMessage, exitCode, peakMemoryBytes,
                requestedAt, startedAt, cancelRequestedAt, endedAt, delivered);
    }

    public InstanceRow cancelled(BackgroundTaskCancellationReason reason, Instant at) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, state, arguments, progress, runToken, pid,
                reason, outcome, terminationReason, errorClass, errorMessage, exitCode, peakMemoryBytes,
                requestedAt, startedAt, at, endedAt, delivered);
    }

    /** This instance COMPLETED with the given result. */
    public InstanceRow completed(TaskOutcome how, TerminationReason termination, String failureClass,
                                 String failureMessage, Integer code, Long peakMemory, Instant at) {
        return new InstanceRow(instanceId, taskId, appId, triggerName, InstanceState.COMPLETED, arguments,
                progress, runToken, pid, cancelReason, how, termination, failureClass, failureMessage, code,
                peakMemory, requestedAt, startedAt, cancelRequestedAt, at, delivered);
    }
}
