package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;

/**
 * A Java task that reports progress 10, works for {@code millis} (default 1,500) and then throws, for SPEC B5's Java
 * half.
 */
public final class FailingTask implements BackgroundTask {
    /** What the task throws. */
    public static final String MESSAGE = "the export failed while no broker ran";

    @Override
    public void run(BackgroundTaskInstance task) throws InterruptedException {
        task.setProgress(10);
        Thread.sleep(((Number) task.triggerDetails().arguments().getOrDefault("millis", 1500)).longValue());
        throw new IllegalStateException(MESSAGE);
    }
}
