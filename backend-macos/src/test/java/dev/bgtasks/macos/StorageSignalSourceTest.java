package dev.bgtasks.macos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** STORAGE_LOW: the 5 % / 512 MiB rule, calls on change only, unreadable is unknown. */
class StorageSignalSourceTest {
    private static final long GIB = 1L << 30;

    @Test
    void theLowRule() {
        assertThat(StorageSignalSource.storageLow(100 * GIB, 1000 * GIB)).isFalse();
        assertThat(StorageSignalSource.storageLow(40 * GIB, 1000 * GIB)).isTrue();
        assertThat(StorageSignalSource.storageLow(511L << 20, 1 * GIB)).isTrue();
        assertThat(StorageSignalSource.storageLow(600L << 20, 1 * GIB)).isFalse();
    }

    @Test
    void pollsTellOnlyChangesAndUnreadableIsUnknown() {
        long[][] space = {{100 * GIB, 1000 * GIB}};
        boolean[] broken = {false};
        StorageSignalSource source = new StorageSignalSource(Path.of("/data"), Duration.ofHours(1), dir -> {
            if (broken[0]) {
                throw new IOException("gone");
            }
            return space[0];
        });
        AtomicInteger changes = new AtomicInteger();
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.STORAGE_LOW, false));
        source.poll();
        assertThat(changes).hasValue(0);
        space[0] = new long[] {1 * GIB, 1000 * GIB};
        source.poll();
        assertThat(changes).hasValue(1);
        broken[0] = true;
        source.poll();
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).contains("unknown now", "gone", "polled every 3600 s");
        source.close();
    }
}
