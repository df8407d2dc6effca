package dev.bgtasks.testing;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;

/** Entry point classes for registration tests (SPEC R1). */
public final class SampleTasks {
    private SampleTasks() {
    }

    /** A valid entry point. */
    public static final class Valid implements BackgroundTask {
        @Override
        public void run(BackgroundTaskInstance task) {
            task.setProgress(100);
        }
    }

    /** Does not implement BackgroundTask. */
    public static final class NotATask {
        public void run() {
        }
    }

    /** Implements it but cannot be constructed by the host. */
    public abstract static class AbstractTask implements BackgroundTask {
    }

    /** Implements it but has no public no-argument constructor. */
    public static final class NoDefaultConstructor implements BackgroundTask {
        public NoDefaultConstructor(String unused) {
        }

        @Override
        public void run(BackgroundTaskInstance task) {
        }
    }
}
