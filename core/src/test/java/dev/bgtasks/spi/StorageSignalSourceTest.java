package dev.bgtasks.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STORAGE_LOW: the thresholds, transitions on polls driven by the test, failures, and the real file store. */
class StorageSignalSourceTest {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;
    private final AtomicReference<Object> reading = new AtomicReference<>();
    private final AtomicInteger changes = new AtomicInteger();
    private StorageSignalSource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    private StorageSignalSource.Space read(Path directory) throws IOException {
        Object value = reading.get();
        if (value instanceof IOException e) {
            throw e;
        }
        return (StorageSignalSource.Space) value;
    }

    private static StorageSignalSource.Space space(long usable, long total) {
        return new StorageSignalSource.Space(usable, total, "/dev/test (ext4)");
    }

    @Test
    void lowBelowFivePercentOrHalfAGibibyte() {
        assertThat(StorageSignalSource.storageLow(100 * GIB, 1000 * GIB)).isFalse();
        assertThat(StorageSignalSource.storageLow(49 * GIB, 1000 * GIB)).isTrue();
        assertThat(StorageSignalSource.storageLow(511 * MIB, 2 * GIB)).isTrue();
        assertThat(StorageSignalSource.storageLow(512 * MIB, 2 * GIB)).isFalse();
        assertThat(StorageSignalSource.storageLow(GIB, 0)).isFalse();
    }

    @Test
    void pollsCallBackOnlyWhenTheValueChanges() {
        reading.set(space(100 * GIB, 1000 * GIB));
        // An hour between polls: the test drives them.
        source = new StorageSignalSource(dir, Duration.ofHours(1), this::read);
        assertThat(source.current()).isEmpty();
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.STORAGE_LOW, false));
        reading.set(space(90 * GIB, 1000 * GIB));
        source.poll();
        assertThat(changes).hasValue(0);
        reading.set(space(10 * GIB, 1000 * GIB));
        source.poll();
        assertThat(changes).hasValue(1);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.STORAGE_LOW, true));
        source.poll();
        assertThat(changes).hasValue(1);
    }

    @Test
    void anUnreadableStoreIsUnknownAndSaysWhy() {
        reading.set(space(100 * GIB, 1000 * GIB));
        source = new StorageSignalSource(dir, Duration.ofHours(1), this::read);
        source.start(changes::incrementAndGet);
        reading.set(new IOException("stale NFS handle"));
        source.poll();
        assertThat(source.current()).isEmpty();
        assertThat(changes).hasValue(1);
        assertThat(source.describe()).startsWith("STORAGE_LOW: unknown: cannot read the store of " + dir)
                .contains("stale NFS handle").endsWith("polled every 60 min while a registration needs STORAGE_NOT_LOW (no OS has an event for free"
                        + " space); not needed now: not polled");
    }

    @Test
    void describeSaysItPolls() {
        reading.set(space(100 * GIB, 1000 * GIB));
        source = new StorageSignalSource(dir, StorageSignalSource.DEFAULT_INTERVAL, this::read);
        source.start(() -> { });
        assertThat(source.describe()).isEqualTo("STORAGE_LOW: usable space of " + dir + " on /dev/test (ext4)"
                + " below 5 % or 512 MiB; polled every 30 s while a registration needs STORAGE_NOT_LOW (no OS has"
                + " an event for free space); not needed now: not polled");
        source.need(java.util.Set.of(HostSignal.STORAGE_LOW));
        assertThat(source.describe()).endsWith("free space); polling now");
    }

    @Test
    void theRealFileStoreOfADirectoryNotYetCreated() throws IOException {
        StorageSignalSource.Space space = StorageSignalSource.fileStoreSpace(dir.resolve("bgtasks/not/yet"));
        assertThat(space.totalBytes()).isPositive();
        assertThat(space.usableBytes()).isBetween(0L, space.totalBytes());
        source = new StorageSignalSource(dir.resolve("bgtasks"));
        source.start(() -> { });
        assertThat(source.current()).containsKey(HostSignal.STORAGE_LOW);
        source.close();
        source.close();
    }

    @Test
    void theIntervalMustBePositive() {
        assertThatThrownBy(() -> new StorageSignalSource(dir, Duration.ZERO, this::read))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
