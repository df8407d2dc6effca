package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import dev.bgtasks.task.MemoryManager;

/**
 * Checks MemoryManager from inside a real task process and reports each check that held as progress: 10 the
 * limit is the registration's, 20 the usage is measured, 30 a limit above the registration's is refused, 40 a
 * lower one is taken.
 */
public final class MemoryAwareTask implements BackgroundTask {
    static final long LIMIT = 256L << 20;

    @Override
    public void run(BackgroundTaskInstance task) {
        if (MemoryManager.appMemoryUsageLimit() == LIMIT) {
            task.setProgress(10);
        }
        if (MemoryManager.appMemoryUsage() > 0) {
            task.setProgress(20);
        }
        if (!MemoryManager.trySetAppMemoryUsageLimit(LIMIT * 2)) {
            task.setProgress(30);
        }
        if (MemoryManager.trySetAppMemoryUsageLimit(LIMIT - (8L << 20))
                && MemoryManager.appMemoryUsageLimit() == LIMIT - (8L << 20)) {
            task.setProgress(40);
        }
    }
}
