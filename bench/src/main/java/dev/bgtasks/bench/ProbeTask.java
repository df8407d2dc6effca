package dev.bgtasks.bench;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Java task of the start-latency figure: the first line of {@code run} reads the monotonic clock, then the
 * value is written to the file named by the argument {@code out}. The harness subtracts its own clock reading
 * taken before the trigger (both JVMs read {@code CLOCK_MONOTONIC}, shared by every process of the host).
 *
 * <pre>{@code
 * trigger.requestAsync(Map.of("out", "/tmp/bgtb123/first-line-7"));
 * }</pre>
 */
public final class ProbeTask implements BackgroundTask {
    @Override
    public void run(BackgroundTaskInstance task) throws IOException {
        long firstLine = System.nanoTime();
        Object out = task.triggerDetails().arguments().get("out");
        if (!(out instanceof String path)) {
            throw new IllegalArgumentException("ProbeTask needs the argument 'out' (a file path), got " + out);
        }
        Files.writeString(Path.of(path), Long.toString(firstLine));
    }
}
