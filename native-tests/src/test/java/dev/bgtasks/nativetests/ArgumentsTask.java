package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.util.Map;
import java.util.TreeMap;

/** A Java task that prints its trigger arguments, one {@code KEY=VALUE} a line, to its run log. */
public final class ArgumentsTask implements BackgroundTask {
    @Override
    public void run(BackgroundTaskInstance task) {
        for (Map.Entry<String, Object> e : new TreeMap<>(task.triggerDetails().arguments()).entrySet()) {
            System.out.println(e.getKey() + "=" + e.getValue());
        }
        System.out.flush();
    }
}
