package dev.bgtasks.nativetests;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Writes to the file named by the argument {@code out} the class-data archives its own JVM has mapped, as Linux
 * lists them in {@code /proc/self/maps}: the proof that a task started from the broker's archive.
 */
public final class MappedArchivesTask implements BackgroundTask {
    @Override
    public void run(BackgroundTaskInstance task) throws IOException {
        String out = (String) task.triggerDetails().arguments().get("out");
        String archives = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.endsWith(".jsa"))
                .map(line -> line.substring(line.indexOf('/')))
                .distinct()
                .collect(Collectors.joining("\n"));
        Files.writeString(Path.of(out), archives);
    }
}
