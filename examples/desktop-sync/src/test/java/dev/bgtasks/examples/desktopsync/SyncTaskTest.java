package dev.bgtasks.examples.desktopsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.task.ApplicationTriggerDetails;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.task.BackgroundTaskDeferral;
import dev.bgtasks.task.BackgroundTaskInstance;
import dev.bgtasks.task.BackgroundWorkCost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sync task in this JVM, against a fake instance: files, progress, cancellation, bad arguments. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SyncTaskTest {
    @TempDir
    Path temp;

    @Test
    void writesEveryFileAndReportsProgressAfterEach() throws Exception {
        Path folder = temp.resolve("a/b");
        FakeInstance task = new FakeInstance(Map.of(SyncTask.FOLDER, folder.toString(), SyncTask.FILES, 4,
                SyncTask.MILLIS_PER_FILE, 0));

        new SyncTask().run(task);

        assertThat(task.progress).containsExactly(25, 50, 75, 100);
        assertThat(names(folder)).containsExactly("file-00001.txt", "file-00002.txt", "file-00003.txt",
                "file-00004.txt");
        assertThat(Files.readString(folder.resolve("file-00002.txt"))).contains(task.instanceId.toString());
        assertThat(task.deferralsCompleted).isEqualTo(1);
    }

    /** Issue 7: the sync honours cancellation, checked before each file. */
    @Test
    void stopsBeforeTheNextFileWhenCancelled() throws Exception {
        Path folder = temp.resolve("synced");
        FakeInstance task = new FakeInstance(Map.of(SyncTask.FOLDER, folder.toString(), SyncTask.FILES, 10,
                SyncTask.MILLIS_PER_FILE, 0));
        task.onProgress = percent -> {
            if (percent == 30) {
                task.cancel(BackgroundTaskCancellationReason.ABORT);
            }
        };

        new SyncTask().run(task);

        assertThat(task.progress).containsExactly(10, 20, 30);
        assertThat(names(folder)).hasSize(3).noneMatch(name -> name.endsWith(".part"));
        assertThat(task.deferralsCompleted).isEqualTo(1);
    }

    /** With 60 s per file, the class timeout fails this unless the cancellation ends the wait at once. */
    @Test
    void aCancellationDuringTheWaitEndsTheWaitAtOnce() throws Exception {
        Path folder = temp.resolve("synced");
        FakeInstance task = new FakeInstance(Map.of(SyncTask.FOLDER, folder.toString(), SyncTask.FILES, 10,
                SyncTask.MILLIS_PER_FILE, 60_000));
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                new SyncTask().run(task);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(task.subscribed.await(5, TimeUnit.SECONDS)).as("the task subscribed to cancellation").isTrue();

        task.cancel(BackgroundTaskCancellationReason.CONDITION_LOSS);
        run.get(5, TimeUnit.SECONDS);

        assertThat(task.progress).isEmpty();
        assertThat(names(folder)).isEmpty();
        assertThat(task.deferralsCompleted).isEqualTo(1);
    }

    @Test
    void rejectsMissingOrMistypedArgumentsAndStillCompletesItsDeferral() {
        FakeInstance noFolder = new FakeInstance(Map.of(SyncTask.FILES, 3, SyncTask.MILLIS_PER_FILE, 0));
        assertThatThrownBy(() -> new SyncTask().run(noFolder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trigger argument 'folder' must be a non-empty String, got nothing");
        assertThat(noFolder.deferralsCompleted).isEqualTo(1);

        FakeInstance textCount = new FakeInstance(Map.of(SyncTask.FOLDER, temp.toString(), SyncTask.FILES, "3",
                SyncTask.MILLIS_PER_FILE, 0));
        assertThatThrownBy(() -> new SyncTask().run(textCount)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trigger argument 'files' must be an Integer from 1 to 10000, got String 3");
    }

    private static List<String> names(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** An instance as the task runner gives it, recording what the task does with it. */
    private static final class FakeInstance implements BackgroundTaskInstance {
        final UUID instanceId = UUID.randomUUID();
        final Map<String, Object> arguments;
        final List<Integer> progress = new ArrayList<>();
        final List<Consumer<BackgroundTaskCancellationReason>> cancelListeners = new CopyOnWriteArrayList<>();
        final CountDownLatch subscribed = new CountDownLatch(1);
        IntConsumer onProgress = percent -> { };
        volatile BackgroundTaskCancellationReason cancelled;
        volatile int deferralsCompleted;

        FakeInstance(Map<String, Object> arguments) {
            this.arguments = arguments;
        }

        void cancel(BackgroundTaskCancellationReason reason) {
            cancelled = reason;
            cancelListeners.forEach(listener -> listener.accept(reason));
        }

        @Override
        public UUID instanceId() {
            return instanceId;
        }

        @Override
        public UUID taskId() {
            return UUID.nameUUIDFromBytes("sync".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public ApplicationTriggerDetails triggerDetails() {
            return new ApplicationTriggerDetails(arguments);
        }

        @Override
        public void setProgress(int percent) {
            progress.add(percent);
            onProgress.accept(percent);
        }

        @Override
        public int progress() {
            return progress.isEmpty() ? 0 : progress.get(progress.size() - 1);
        }

        @Override
        public BackgroundTaskDeferral getDeferral() {
            return () -> deferralsCompleted++;
        }

        @Override
        public AutoCloseable onCanceled(Consumer<BackgroundTaskCancellationReason> listener) {
            cancelListeners.add(listener);
            subscribed.countDown();
            return () -> cancelListeners.remove(listener);
        }

        @Override
        public BackgroundWorkCost backgroundWorkCost() {
            return BackgroundWorkCost.LOW;
        }
    }
}
