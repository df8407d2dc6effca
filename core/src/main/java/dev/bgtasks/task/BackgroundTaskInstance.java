package dev.bgtasks.task;

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
