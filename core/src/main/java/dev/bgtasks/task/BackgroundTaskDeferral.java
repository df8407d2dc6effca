package dev.bgtasks.task;

/**
 * Keeps a task instance alive after {@code run} returns, for asynchronous work.
 *
 * <pre>{@code
 * var deferral = task.getDeferral();
 * executor.submit(() -> { try { work(); } finally { deferral.complete(); } });
 * }</pre>
 */
public interface BackgroundTaskDeferral {
    /** Marks this deferral done. Calls after the first are no-ops (SPEC X3). */
    void complete();
}
