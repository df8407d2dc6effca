package dev.bgtasks.task;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One run of a background task, as the task sees it.
 *
 * <pre>{@code
 * var deferral = task.getDeferral();
 * try (var sub = task.onCanceled(reason -> cancelled.set(true))) {
 *     task.setProgress(10);
 *     Object file = task.triggerDetails().arguments().get("file");
 *     task.setResult(Map.of("rows", 1200));
 * } finally {
 *     deferral.complete();
 * }
 * }</pre>
 */
public interface BackgroundTaskInstance {
    /** {@return this run's id} */
    UUID instanceId();

    /** {@return the registration this run belongs to} */
    UUID taskId();

    /**
     * The arguments passed to {@code requestAsync}, a deep copy; never null (SPEC T6).
     *
     * @return the trigger's arguments
     */
    ApplicationTriggerDetails triggerDetails();

    /**
     * Reports progress (0 to 100) to every subscribed app listener, in order (SPEC X2).
     *
     * @param progress a percentage from 0 to 100; anything else throws {@code IllegalArgumentException}
     */
    void setProgress(int progress);

    /** {@return the last progress set} */
    int progress();

    /**
     * Sets the result map the app receives with the completion ({@code BackgroundTaskCompletedEventArgs.result()}),
     * also when it attaches later (SPEC P2). A later call replaces the map; the last one before the instance
     * completes counts, whatever the outcome.
     *
     * <p>The same values and bound as trigger arguments (SPEC T6): {@code String}, {@code Boolean},
     * {@code Character}, integer and floating types, {@code UUID}, {@code Instant}, {@code Duration},
     * {@code byte[]}, and {@code List}s and {@code Map<String, ?>}s of these, at most
     * {@value dev.bgtasks.arguments.ValueMapCodec#MAX_ENCODED_BYTES} bytes encoded.
     *
     * @param result the result; empty clears it
     * @throws IllegalArgumentException when a value is not allowed or the map is too large; nothing is set
     * @throws IllegalStateException when the instance has already completed
     * @throws UnsupportedOperationException from an implementation that predates results (a test's own fake); the
     *     task host's instance and bgtasks-junit's {@code TaskRun} support it
     */
    default void setResult(Map<String, ?> result) {
        throw new UnsupportedOperationException(getClass().getName() + " does not take results (SPEC P2)");
    }

    /**
     * Asks for this attempt to be run again (SPEC P1): when the instance completes, the broker starts a new attempt
     * of the same instance after its registration's retry backoff, and the app hears no completion for this one.
     * Without a retry policy, or on the last attempt the policy allows, the instance completes as failed instead.
     * A cancelled instance is never run again.
     *
     * @throws UnsupportedOperationException from an implementation that predates retries (a test's own fake)
     */
    default void requestRetry() {
        throw new UnsupportedOperationException(getClass().getName() + " does not take retry requests (SPEC P1)");
    }

    /**
     * Keeps the instance alive after {@code run} returns, until {@link BackgroundTaskDeferral#complete()} is called
     * (SPEC X3).
     *
     * @return the instance's deferral; the same one on every call
     */
    BackgroundTaskDeferral getDeferral();

    /**
     * Subscribes to the cancellation of this instance. It fires at most once, with one reason (SPEC X6). A listener
     * added after the cancellation is called at once with that reason.
     *
     * @param listener receives the reason
     * @return closing it removes the listener
     */
    AutoCloseable onCanceled(Consumer<BackgroundTaskCancellationReason> listener);

    /**
     * The cost of doing background work right now (SPEC enums).
     *
     * @return LOW, MEDIUM or HIGH
     */
    BackgroundWorkCost backgroundWorkCost();
}
