package dev.bgtasks.cli;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskDeferral;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The seed scenario's task: ten steps of 300 ms, progress after each, stopping early when cancelled. It runs in a
 * JVM of its own, started by the broker; what it prints goes to the instance's log.
 *
 * <pre>{@code
 * bg.newTask().taskEntryPoint(ExampleBackgroundTask.class.getName()).setTrigger(bg.applicationTrigger());
 * }</pre>
 */
public final class ExampleBackgroundTask implements BackgroundTask {
    static final int STEPS = 10;
    static final long STEP_MILLIS = 300;

    @Override
    public void run(BackgroundTaskInstance task) throws InterruptedException {
        BackgroundTaskDeferral deferral = task.getDeferral();
        CountDownLatch cancelled = new CountDownLatch(1);
        task.onCanceled(reason -> cancelled.countDown());
        try {
            Object file = task.triggerDetails().arguments().getOrDefault("file", "(none)");
            System.out.println("example task " + task.instanceId() + " working on " + file
                    + " (work cost " + task.backgroundWorkCost() + ")");
            for (int step = 1; step <= STEPS; step++) {
                if (cancelled.await(STEP_MILLIS, TimeUnit.MILLISECONDS)) {
                    System.out.println("cancelled at step " + step);
                    return;
                }
                task.setProgress(step * 100 / STEPS);
            }
            System.out.println("done");
        } finally {
            deferral.complete();
        }
    }
}
