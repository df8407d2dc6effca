package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.util.Map;
import java.util.TreeMap;

/** A Java task that prints what {@code System.getenv()} holds, one {@code NAME=VALUE} a line, to its run log. */
public final class EnvTask implements BackgroundTask {
    @Override
    public void run(BackgroundTaskInstance task) {
        for (Map.Entry<String, String> e : new TreeMap<>(System.getenv()).entrySet()) {
            System.out.println(e.getKey() + "=" + e.getValue());
        }
        System.out.flush();
    }
}
