package app.tasks;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes where it ran (its module, its process) and its argument into its working directory, then completes. */
public final class EchoTask implements BackgroundTask {
    @Override
    public void run(BackgroundTaskInstance task) throws Exception {
        String line = "module=" + getClass().getModule().getName()
                + " core=" + BackgroundTask.class.getModule().getName()
                + " pid=" + ProcessHandle.current().pid()
                + " word=" + task.triggerDetails().arguments().get("word") + "\n";
        Files.writeString(Path.of("echo-task.txt"), line);
        Thread.sleep(1500);
        task.setProgress(100);
    }
}
