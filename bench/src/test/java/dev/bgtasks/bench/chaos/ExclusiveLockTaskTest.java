package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8, scenario 2: the task itself proves that no other instance holds the lock while it runs. */
class ExclusiveLockTaskTest {
    @Test
    void aLoneInstanceTakesTheLockAndRecordsItsRun(@TempDir Path dir) throws Exception {
        Path runs = dir.resolve("runs");
        Path violations = dir.resolve("violations");

        assertThat(ExclusiveLockTask.runExclusively(dir.resolve("lock"), runs, violations, 0)).isTrue();
        assertThat(ExclusiveLockTask.runExclusively(dir.resolve("lock"), runs, violations, 0)).isTrue();

        assertThat(Files.readAllLines(runs)).hasSize(2);
        assertThat(violations).doesNotExist();
    }

    @Test
    void aSecondInstanceWhileTheLockIsHeldWritesAViolation(@TempDir Path dir) throws Exception {
        Path lockFile = dir.resolve("lock");
        Path violations = dir.resolve("violations");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            assertThat(held.isValid()).isTrue();

            assertThat(ExclusiveLockTask.runExclusively(lockFile, dir.resolve("runs"), violations, 0)).isFalse();
        }

        assertThat(Files.readString(violations)).contains("two instances at once");
        assertThat(dir.resolve("runs")).doesNotExist();
    }
}
