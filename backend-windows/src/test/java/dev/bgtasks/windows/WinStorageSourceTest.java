package dev.bgtasks.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STORAGE_LOW on Windows: the data directory's volume, thresholds as on Linux, polled and said so. */
class WinStorageSourceTest {
    @Test
    void theDataDirectoryFollowsTheSpec(@TempDir Path home) {
        // SPEC "Where things live": %LOCALAPPDATA%\bgtasks, overridable with BGTASKS_HOME.
        assertThat(WinStorageSource.dataDirectory(Map.of("LOCALAPPDATA", "/l"), home)).isEqualTo(Path.of("/l",
                "bgtasks"));
        assertThat(WinStorageSource.dataDirectory(Map.of("LOCALAPPDATA", "/l", "BGTASKS_HOME", "/b"), home))
                .isEqualTo(Path.of("/b"));
        assertThat(WinStorageSource.dataDirectory(Map.of(), home)).isEqualTo(home);
    }

    @Test
    void lowBelowFivePercentOrHalfAGibibyte() {
        long gib = 1L << 30;
        assertThat(WinStorageSource.storageLow(100 * gib, 1000 * gib)).isFalse();
        assertThat(WinStorageSource.storageLow(49 * gib, 1000 * gib)).isTrue();
        assertThat(WinStorageSource.storageLow(511L << 20, 4L << 20 << 10)).isTrue();
    }

    @Test
    void pollTellsOnlyChangesAndFailuresMakeItUnknown(@TempDir Path dir) {
        AtomicLong usable = new AtomicLong(100L << 30);
        AtomicInteger changes = new AtomicInteger();
        boolean[] fail = {false};
        WinStorageSource source = new WinStorageSource(dir, Duration.ofHours(1), d -> {
            if (fail[0]) {
                throw new IOException("volume gone");
            }
            return new WinStorageSource.Space(usable.get(), 200L << 30, "C: (NTFS)");
        });
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.STORAGE_LOW, false));
        source.poll();
        assertThat(changes).hasValue(0);
        usable.set(1L << 29);
        source.poll();
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.STORAGE_LOW, true));
        fail[0] = true;
        source.poll();
        assertThat(source.current()).isEmpty();
        assertThat(changes).hasValue(2);
        assertThat(source.describe()).contains("volume gone").contains("polled every 1 h".replace("1 h", "60 min"));
        source.close();
    }

    @Test
    void theRealReaderFindsTheVolumeOfADirectoryNotYetMade(@TempDir Path dir) throws IOException {
        WinStorageSource.Space space = WinStorageSource.fileStoreSpace(dir.resolve("not/yet"));
        assertThat(space.totalBytes()).isPositive();
    }
}
