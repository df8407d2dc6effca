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
    UUID instanceId();

    UUID taskId();

    /** The arguments passed to {@code requestAsync}, a deep copy; never null (SPEC T6). */
    ApplicationTriggerDetails triggerDetails();

    /** Reports progress (0 to 100) to every subscribed app listener, in order (SPEC X2). */
    void setProgress(int progress);

    int progress();

    /**
     * Keeps the instance alive after {@code run} returns, until {@link BackgroundTaskDeferral#complete()} is called
     * (SPEC X3).
     */
    BackgroundTaskDeferral getDeferral();

    /**
     * Subscribes to the cancellation of this instance. It fires at most once, with one reason (SPEC X6). A listener
     * added after the cancellation is called at once with that reason.
     *
     * @return closing it removes the listener
     */
    AutoCloseable onCanceled(Consumer<BackgroundTaskCancellationReason> listener);

    /** The cost of doing background work right now (SPEC enums). */
    BackgroundWorkCost backgroundWorkCost();
}
