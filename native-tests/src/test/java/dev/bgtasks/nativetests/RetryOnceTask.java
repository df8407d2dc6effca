package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Java task that asks for a retry once (SPEC P1): its first attempt writes {@code attempt1} (the time) in the
 * directory of its {@code dir} argument and asks for a retry; a later attempt writes {@code attempt2}, waits for the
 * test to create {@code release}, and succeeds with the result {@code attempt=2}.
 */
public final class RetryOnceTask implements BackgroundTask {
    @Override
    public void run(BackgroundTaskInstance task) throws Exception {
        Path dir = Path.of((String) task.triggerDetails().arguments().get("dir"));
        if (!Files.exists(dir.resolve("attempt1"))) {
            Files.writeString(dir.resolve("attempt1"), Instant.now().toString());
            task.requestRetry();
            return;
        }
        Files.writeString(dir.resolve("attempt2"), Instant.now().toString());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve("release")) && System.nanoTime() < end) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        task.setResult(Map.of("attempt", 2));
    }
}
