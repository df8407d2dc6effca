package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A Java task of about 3 s: four steps of 750 ms, progress after each; stops early when cancelled. */
public final class SleepyTask implements BackgroundTask {
    @Override
    public void run(BackgroundTaskInstance task) throws InterruptedException {
        int steps = ((Number) task.triggerDetails().arguments().getOrDefault("steps", 4)).intValue();
        CountDownLatch cancelled = new CountDownLatch(1);
        task.onCanceled(reason -> cancelled.countDown());
        for (int step = 1; step <= steps; step++) {
            if (cancelled.await(750, TimeUnit.MILLISECONDS)) {
                return;
            }
            task.setProgress(step * 100 / steps);
        }
    }
}
