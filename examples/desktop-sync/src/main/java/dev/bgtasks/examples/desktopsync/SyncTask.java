package dev.bgtasks.examples.desktopsync;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskDeferral;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The sync itself: writes {@code files} small files into {@code folder}, one every {@code millisPerFile}, and
 * reports progress after each. The broker runs it in a JVM of its own, so it goes on when the window closes.
 * A cancellation stops it before the next file; the files written so far stay.
 *
 * <pre>{@code
 * bg.newTask().taskEntryPoint(SyncTask.class.getName()).setTrigger(bg.applicationTrigger());
 * bg.applicationTrigger().requestAsync(Map.of(SyncTask.FOLDER, "/home/me/synced", SyncTask.FILES, 20));
 * }</pre>
 */
public final class SyncTask implements BackgroundTask {
    /** Trigger argument: the folder to sync into (a String, required). */
    public static final String FOLDER = "folder";
    /** Trigger argument: how many files to write (an Integer, 1 to 10,000). */
    public static final String FILES = "files";
    /** Trigger argument: how long each file takes, to make the progress visible (an Integer, 0 to 60,000). */
    public static final String MILLIS_PER_FILE = "millisPerFile";

    @Override
    public void run(BackgroundTaskInstance task) throws IOException, InterruptedException {
        BackgroundTaskDeferral deferral = task.getDeferral();
        CountDownLatch cancelled = new CountDownLatch(1);
        task.onCanceled(reason -> cancelled.countDown());
        try {
            Map<String, Object> arguments = task.triggerDetails().arguments();
            Path folder = Path.of(requiredString(arguments, FOLDER));
            int files = intArgument(arguments, FILES, 1, 10_000);
            int millisPerFile = intArgument(arguments, MILLIS_PER_FILE, 0, 60_000);
            Files.createDirectories(folder);
            System.out.println("syncing " + files + " files into " + folder);
            for (int index = 1; index <= files; index++) {
                if (cancelled.await(millisPerFile, TimeUnit.MILLISECONDS)) {
                    System.out.println("cancelled before file " + index + " of " + files);
                    return;
                }
                writeFile(folder, index, task);
                task.setProgress(index * 100 / files);
            }
            System.out.println("synced " + files + " files");
        } finally {
            deferral.complete();
        }
    }

    static String fileName(int index) {
        return String.format("file-%05d.txt", index);
    }

    /** Written to a temp name and moved, so a cancelled or killed sync never leaves half a file. */
    private static void writeFile(Path folder, int index, BackgroundTaskInstance task) throws IOException {
        Path target = folder.resolve(fileName(index));
        Path partial = folder.resolve(fileName(index) + ".part");
        String content = "file " + index + " synced by instance " + task.instanceId() + " at " + Instant.now() + "\n";
        Files.writeString(partial, content, StandardCharsets.UTF_8);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String requiredString(Map<String, Object> arguments, String name) {
        Object value = arguments.get(name);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("trigger argument '" + name + "' must be a non-empty String, got "
                    + describe(value));
        }
        return text;
    }

    private static int intArgument(Map<String, Object> arguments, String name, int min, int max) {
        Object value = arguments.get(name);
        if (!(value instanceof Integer number) || number < min || number > max) {
            throw new IllegalArgumentException("trigger argument '" + name + "' must be an Integer from " + min
                    + " to " + max + ", got " + describe(value));
        }
        return number;
    }

    private static String describe(Object value) {
        return value == null ? "nothing" : value.getClass().getSimpleName() + " " + value;
    }
}
