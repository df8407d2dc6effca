package dev.bgtasks.task;

/**
 * The code of a background task: implement it and name the class with
 * {@code BackgroundTaskBuilder.taskEntryPoint(...)}. It runs in its own process, started by the broker.
 *
 * <pre>{@code
 * public final class ExportTask implements BackgroundTask {
 *     public void run(BackgroundTaskInstance task) throws Exception {
 *         var deferral = task.getDeferral();
 *         task.onCanceled(reason -> stopRequested = true);
 *         task.setProgress(50);
 *         deferral.complete();
 *     }
 * }
 * }</pre>
 *
 * <p>The class needs a public no-argument constructor. The instance completes when {@code run} has returned and
 * every deferral taken from the instance has been completed (SPEC X3); an exception thrown from {@code run}
 * fails the instance and is carried to the app's {@code checkResult()} (X4).
 */
@FunctionalInterface
public interface BackgroundTask {
    /**
     * Does the work; returning ends the instance (unless a deferral is held), throwing makes it FAILED.
     *
     * @param task this run: its arguments, progress, deferral and cancellation
     * @throws Exception any failure; the instance completes FAILED with the exception's class and message
     */
    void run(BackgroundTaskInstance task) throws Exception;
}
