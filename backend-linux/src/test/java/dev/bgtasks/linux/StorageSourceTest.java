package dev.bgtasks.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostSignal;
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
class StorageSourceTest {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;
    private final AtomicReference<Object> reading = new AtomicReference<>();
    private final AtomicInteger changes = new AtomicInteger();
    private StorageSource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    private StorageSource.Space read(Path directory) throws IOException {
        Object value = reading.get();
        if (value instanceof IOException e) {
            throw e;
        }
        return (StorageSource.Space) value;
    }

    private static StorageSource.Space space(long usable, long total) {
        return new StorageSource.Space(usable, total, "/dev/test (ext4)");
    }

    @Test
    void lowBelowFivePercentOrHalfAGibibyte() {
        assertThat(StorageSource.storageLow(100 * GIB, 1000 * GIB)).isFalse();
        assertThat(StorageSource.storageLow(49 * GIB, 1000 * GIB)).isTrue();
        assertThat(StorageSource.storageLow(511 * MIB, 2 * GIB)).isTrue();
        assertThat(StorageSource.storageLow(512 * MIB, 2 * GIB)).isFalse();
        assertThat(StorageSource.storageLow(GIB, 0)).isFalse();
    }

    @Test
    void pollsCallBackOnlyWhenTheValueChanges() {
        reading.set(space(100 * GIB, 1000 * GIB));
        // An hour between polls: the test drives them.
        source = new StorageSource(dir, Duration.ofHours(1), this::read);
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
        source = new StorageSource(dir, Duration.ofHours(1), this::read);
        source.start(changes::incrementAndGet);
        reading.set(new IOException("stale NFS handle"));
        source.poll();
        assertThat(source.current()).isEmpty();
        assertThat(changes).hasValue(1);
        assertThat(source.describe()).startsWith("STORAGE_LOW: unknown: cannot read the store of " + dir)
                .contains("stale NFS handle").endsWith("polled every 3600 s (the kernel has no event for free space)");
    }

    @Test
    void describeSaysItPolls() {
        reading.set(space(100 * GIB, 1000 * GIB));
        source = new StorageSource(dir, StorageSource.DEFAULT_INTERVAL, this::read);
        source.start(() -> { });
        assertThat(source.describe()).isEqualTo("STORAGE_LOW: usable space of " + dir + " on /dev/test (ext4)"
                + " below 5 % or 512 MiB; polled every 30 s (the kernel has no event for free space)");
    }

    @Test
    void theRealFileStoreOfADirectoryNotYetCreated() throws IOException {
        StorageSource.Space space = StorageSource.fileStoreSpace(dir.resolve("bgtasks/not/yet"));
        assertThat(space.totalBytes()).isPositive();
        assertThat(space.usableBytes()).isBetween(0L, space.totalBytes());
        source = new StorageSource(dir.resolve("bgtasks"));
        source.start(() -> { });
        assertThat(source.current()).containsKey(HostSignal.STORAGE_LOW);
        source.close();
        source.close();
    }

    @Test
    void theIntervalMustBePositive() {
        assertThatThrownBy(() -> new StorageSource(dir, Duration.ZERO, this::read))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
