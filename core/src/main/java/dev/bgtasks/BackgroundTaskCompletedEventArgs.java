package dev.bgtasks;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A task instance completed (UWP {@code BackgroundTaskCompletedEventArgs}). Delivered once per instance, also
 * to an app that was closed when it happened (SPEC X3, X5).
 *
 * <pre>{@code
 * registration.onCompleted(e -> {
 *     try { e.checkResult(); show("done: " + e.result().get("rows")); }
 *     catch (BackgroundTaskFailedException f) { show(f.getMessage()); }
 * });
 * }</pre>
 */
public final class BackgroundTaskCompletedEventArgs {
    private final InstanceInfo instance;

    BackgroundTaskCompletedEventArgs(InstanceInfo instance) {
        this.instance = Objects.requireNonNull(instance, "instance");
        if (instance.state() != InstanceState.COMPLETED || instance.outcome() == null) {
            throw new IllegalArgumentException("instance " + instance.instanceId() + " has not completed");
        }
    }

    /** {@return the instance that completed} */
    public UUID instanceId() {
        return instance.instanceId();
    }

    /** {@return the registration the instance belonged to} */
    public UUID taskId() {
        return instance.taskId();
    }

    /** {@return how the instance ended} */
    public TaskOutcome outcome() {
        return instance.outcome();
    }

    /** {@return why the instance was cancelled, when it was} */
    public Optional<BackgroundTaskCancellationReason> cancellationReason() {
        return Optional.ofNullable(instance.cancelReason());
    }

    /** {@return why the broker ended the instance (timeout, memory, crash, broker lost), when it did} */
    public Optional<TerminationReason> terminationReason() {
        return Optional.ofNullable(instance.terminationReason());
    }

    /**
     * The last progress the task reported.
     *
     * @return a percentage from 0 to 100
     */
    public int progress() {
        return instance.progress();
    }

    /** {@return the peak memory of the instance's process tree in bytes, when the platform measured it} */
    public OptionalLong peakMemoryBytes() {
        Long peak = instance.peakMemoryBytes();
        return peak == null ? OptionalLong.empty() : OptionalLong.of(peak);
    }

    /**
     * The result map the task set ({@code instance.setResult(map)} in a Java task, {@code bgtask result KEY=VALUE}
     * in a command), with the Java types it set; also for a failed or cancelled run that set one (SPEC P2).
     *
     * @return a deeply immutable map; empty when the task set none
     */
    public Map<String, Object> result() {
        byte[] encoded = instance.result();
        return encoded == null ? Map.of() : ValueMapCodec.decode(encoded);
    }

    /**
     * Which attempt this completion is of: an instance run again under its registration's {@link RetryPolicy} is
     * completed once, for its last attempt (SPEC P1).
     *
     * @return 1 for the first attempt
     */
    public int attempt() {
        return instance.attempt();
    }

    /** {@return when the broker recorded the completion} */
    public Instant endedAt() {
        return instance.endedAt();
    }

    /**
     * Returns normally for a success, or for a cancellation the task finished within its grace period; throws
     * otherwise (SPEC X4).
     *
     * @throws BackgroundTaskFailedException for every other outcome, naming the outcome, the reason and the task's
     *     exception
     */
    public void checkResult() throws BackgroundTaskFailedException {
        if (!instance.outcome().isSuccess()) {
            throw new BackgroundTaskFailedException(instance.instanceId(), instance.outcome(),
                    instance.terminationReason(), instance.errorClass(), instance.errorMessage());
        }
    }

    @Override
    public String toString() {
        return "Completed[" + instance.instanceId() + " " + instance.outcome()
                + (instance.terminationReason() == null ? "" : " " + instance.terminationReason()) + "]";
    }
}
