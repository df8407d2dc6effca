package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;

/**
 * A Java task that says when its class was initialized and which process runs it, for the standby tests (SPEC W1):
 * its static initializer must run after the trigger, in the process that was the standby.
 */
public final class StandbyProbeTask implements BackgroundTask {
    static final String STATIC_INIT = "StandbyProbeTask static initializer ran";
    static final String FIRST_LINE = "StandbyProbeTask first line from pid ";

    static {
        System.err.println(STATIC_INIT);
    }

    @Override
    public void run(BackgroundTaskInstance task) {
        System.out.println(FIRST_LINE + ProcessHandle.current().pid());
        System.out.flush();
    }
}
