package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.util.Map;

/** A Java task that sets a result map (SPEC P2): {@code rows=1200, source=java}. */
public final class ResultTask implements BackgroundTask {
    @Override
    public void run(BackgroundTaskInstance task) {
        task.setResult(Map.of("rows", 1200, "source", "java"));
    }
}
