package dev.bgtasks.examples.packagedseed;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.util.Map;

/**
 * The seed task: says which process and runtime it runs in and what it was given (its output goes to the
 * instance's log), then reports progress for a few seconds.
 *
 * <pre>{@code
 * bg.applicationTrigger().request(Map.of(SeedTask.NOTE, "hello", SeedTask.SECONDS, 4));
 * // instance log: SEED-TASK pid=4242 note=hello java.home=/opt/seedapp/lib/runtime
 * }</pre>
 */
public final class SeedTask implements BackgroundTask {
    /** Trigger argument: a note the task prints (a String). */
    public static final String NOTE = "note";
    /** Trigger argument: how long the task runs, in seconds (an Integer, 0 to 600). */
    public static final String SECONDS = "seconds";

    @Override
    public void run(BackgroundTaskInstance task) throws InterruptedException {
        Map<String, Object> arguments = task.triggerDetails().arguments();
        int seconds = arguments.get(SECONDS) instanceof Number n ? Math.max(0, Math.min(600, n.intValue())) : 4;
        System.out.println("SEED-TASK pid=" + ProcessHandle.current().pid() + " note=" + arguments.get(NOTE)
                + " java.home=" + System.getProperty("java.home"));
        for (int step = 1; step <= 4; step++) {
            Thread.sleep(seconds * 250L);
            task.setProgress(step * 25);
        }
        System.out.println("SEED-TASK done");
    }
}
