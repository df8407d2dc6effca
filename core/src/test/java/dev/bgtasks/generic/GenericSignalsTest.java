package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenericSignalsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static Readings storage(long usable) {
        return new Readings(null, null, new Readings.Storage(usable, 100L << 30));
    }

    /** Readings a test sets, counting how often they are read. */
    private static final class FakeReader implements Supplier<Readings> {
        final AtomicReference<Readings> next = new AtomicReference<>(Readings.NOTHING);
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Readings get() {
            reads.incrementAndGet();
            return next.get();
        }
    }

    @Test
    void publishesOnlyOnChange(@TempDir Path dir) throws Exception {
        FakeReader reader = new FakeReader();
        reader.next.set(storage(50L << 30));
        List<SignalSnapshot> seen = new CopyOnWriteArrayList<>();
        try (GenericSignals signals = new GenericSignals(reader, Duration.ofMillis(10), dir)) {
            signals.subscribe(seen::add);
            Await.until(WAIT, "the first reading is known", () -> signals.current().get(HostSignal.STORAGE_LOW)
                    .isPresent());
            assertThat(signals.current().is(HostSignal.STORAGE_LOW, false)).isTrue();

            int readsBefore = reader.reads.get();
            Await.until(WAIT, "five more polls", () -> reader.reads.get() >= readsBefore + 5);
            assertThat(seen).hasSizeLessThanOrEqualTo(1); // the first reading at most: nothing changed since

            reader.next.set(storage(1L << 20));
            Await.until(WAIT, "the change is published", () -> !seen.isEmpty()
                    && seen.get(seen.size() - 1).is(HostSignal.STORAGE_LOW, true));
            int published = seen.size();
            int readsAfter = reader.reads.get();
            Await.until(WAIT, "five more polls", () -> reader.reads.get() >= readsAfter + 5);
            assertThat(seen).hasSize(published);
            assertThat(signals.current().is(HostSignal.STORAGE_LOW, true)).isTrue();
        }
    }

    @Test
    void aFailingReaderOrListenerDoesNotStopThePoller(@TempDir Path dir) throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Supplier<Readings> flaky = () -> {
            if (reads.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("flaky host");
            }
            return storage(reads.get() < 6 ? 50L << 30 : 1L << 20);
        };
        List<SignalSnapshot> seen = new CopyOnWriteArrayList<>();
        try (GenericSignals signals = new GenericSignals(flaky, Duration.ofMillis(10), dir)) {
            signals.subscribe(s -> {
                throw new IllegalStateException("bad listener");
            });
            signals.subscribe(seen::add);
            Await.until(WAIT, "storage turns low", () -> seen.stream()
                    .anyMatch(s -> s.is(HostSignal.STORAGE_LOW, true)));
        }
    }

    @Test
    void closeStopsThePollerAndUnsubscribeRemovesTheListener(@TempDir Path dir) throws Exception {
        FakeReader reader = new FakeReader();
        List<SignalSnapshot> seen = new CopyOnWriteArrayList<>();
        GenericSignals signals = new GenericSignals(reader, Duration.ofMillis(10), dir);
        AutoCloseable subscription = signals.subscribe(seen::add);
        Await.until(WAIT, "a few polls", () -> reader.reads.get() >= 3);
        subscription.close();
        reader.next.set(storage(1L << 20));
        int reads = reader.reads.get();
        Await.until(WAIT, "a few more polls", () -> reader.reads.get() >= reads + 3);
        assertThat(seen).noneMatch(s -> s.is(HostSignal.STORAGE_LOW, true));

        signals.close();
        Await.until(WAIT, "the poller stops", () -> {
            int before = reader.reads.get();
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            return reader.reads.get() == before;
        });
    }

    @Test
    void rejectsANonPositivePeriod(@TempDir Path dir) {
        assertThatThrownBy(() -> new GenericSignals(() -> Readings.NOTHING, Duration.ZERO, dir))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describeSaysWhatIsPolledHowOftenAndWhatIsUnknown(@TempDir Path dir) {
        try (GenericSignals signals = new GenericSignals(() -> Readings.NOTHING, Duration.ofSeconds(2), dir)) {
            String text = signals.describe();
            assertThat(text).contains("INTERNET: polled every 2 s", "AC_POWER: polled every 2 s",
                    "BATTERY_LOW: polled every 2 s", "STORAGE_LOW: polled every 2 s", dir.toString(),
                    "USER_PRESENT: unknown", "SESSION_CONNECTED: unknown", "UNMETERED_NETWORK: unknown",
                    "ENERGY_SAVER: unknown");
            assertThat(text.lines()).hasSize(HostSignal.values().length);
        }
    }

    /** Smoke: the real OSHI reader on this host. */
    @Test
    void oshiGivesASnapshotOfTheSignalsItCanRead(@TempDir Path dir) {
        try (GenericSignals signals = new GenericSignals(new OshiSignalReader(dir), Duration.ofSeconds(2), dir)) {
            SignalSnapshot now = signals.current();
            assertThat(now.known()).doesNotContainKeys(HostSignal.USER_PRESENT, HostSignal.SESSION_CONNECTED,
                    HostSignal.UNMETERED_NETWORK, HostSignal.ENERGY_SAVER);
            // Every host can tell its network and the space on a temp directory.
            assertThat(now.get(HostSignal.INTERNET)).isPresent();
            assertThat(now.get(HostSignal.STORAGE_LOW)).isPresent();
            assertThat(now.known().containsKey(HostSignal.AC_POWER))
                    .isEqualTo(now.known().containsKey(HostSignal.BATTERY_LOW));
            assertThat(signals.describe()).contains("unknown");
        }
    }

    @Test
    void oshiReaderReadsTheFileStoreOfTheNearestExistingAncestor(@TempDir Path dir) {
        Readings readings = new OshiSignalReader(dir.resolve("not/yet/created")).get();
        assertThat(readings.storage()).isNotNull();
        assertThat(readings.storage().totalBytes()).isPositive();
        assertThat(readings.network()).isNotNull();
        assertThat(readings.power()).isNotNull();
    }
}
