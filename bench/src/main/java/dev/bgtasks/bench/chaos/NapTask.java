package dev.bgtasks.bench.chaos;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The chaos suite's Java task: sleeps for the {@code millis} trigger argument (default 500), reporting progress
 * half way, and stops early when cancelled.
 *
 * <pre>{@code
 * new TaskTarget.JavaEntryPoint(NapTask.class.getName(), classpath);
 * client.requestTrigger(new TriggerRequest(app, slot, ValueMapCodec.encode(Map.of("millis", 800)), null));
 * }</pre>
 */
public final class NapTask implements BackgroundTask {
    /** Made by the task host through reflection. */
    public NapTask() {
    }

    @Override
    public void run(BackgroundTaskInstance task) throws InterruptedException {
        long millis = ((Number) task.triggerDetails().arguments().getOrDefault("millis", 500)).longValue();
        CountDownLatch cancelled = new CountDownLatch(1);
        task.onCanceled(reason -> cancelled.countDown());
        if (cancelled.await(millis / 2, TimeUnit.MILLISECONDS)) {
            return;
        }
        task.setProgress(50);
        cancelled.await(millis - millis / 2, TimeUnit.MILLISECONDS);
    }
}
