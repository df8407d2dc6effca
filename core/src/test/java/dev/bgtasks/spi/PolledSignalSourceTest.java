package dev.bgtasks.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lifecycle every polled source shares, with scripted readings and polls called by the test (no timer). */
class PolledSignalSourceTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private final AtomicInteger changes = new AtomicInteger();
    private Scripted source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    /** Answers each read with the next scripted reading: a map, or an exception to throw. */
    private static final class Scripted extends PolledSignalSource {
        final Deque<Object> readings = new ArrayDeque<>();
        boolean openResult = true;
        Exception openFailure;
        int reads;
        int releases;
        String partial;

        Scripted() {
            super("scripted", HOUR);
        }

        Scripted(Set<HostSignal> onDemand) {
            super("scripted", HOUR, onDemand);
        }

        Scripted then(Object reading) {
            readings.add(reading);
            return this;
        }

        @Override
        protected boolean open() throws Exception {
            if (openFailure != null) {
                throw openFailure;
            }
            return openResult;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Map<HostSignal, Boolean> read() throws Exception {
            reads++;
            if (partial != null) {
                noteFailure(partial);
            }
            Object next = readings.size() > 1 ? readings.poll() : readings.peek();
            if (next instanceof Exception e) {
                throw e;
            }
            return (Map<HostSignal, Boolean>) next;
        }

        @Override
        protected void release() {
            releases++;
        }

        @Override
        public String describe() {
            return "scripted; polled every " + human(period()) + (failure() == null ? "" : " [" + failure() + "]");
        }
    }

    @Test
    void theFirstReadingComesWithStartAndOnlyChangesCallTheListener() {
        source = new Scripted().then(Map.of(HostSignal.USER_PRESENT, true)).then(Map.of(HostSignal.USER_PRESENT, true))
                .then(Map.of(HostSignal.USER_PRESENT, false));
        source.start(changes::incrementAndGet);
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, true);
        assertThat(changes).hasValue(0);
        source.poll();
        assertThat(changes).hasValue(0);
        source.poll();
        assertThat(changes).hasValue(1);
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, false);
        assertThat(source.describe()).isEqualTo("scripted; polled every 60 min");
    }

    @Test
    void aFailedReadingMakesTheSignalsUnknownAndSaysWhyUntilOneSucceeds() {
        source = new Scripted().then(Map.of(HostSignal.STORAGE_LOW, false)).then(new IOException("stale handle"))
                .then(new PolledSignalSource.Unreadable("GetLastInputInfo failed with error 5"))
                .then(Map.of(HostSignal.STORAGE_LOW, false));
        source.start(changes::incrementAndGet);
        source.poll();
        assertThat(source.current()).isEmpty();
        assertThat(changes).hasValue(1);
        assertThat(source.describe()).endsWith("[java.io.IOException: stale handle]");
        source.poll();
        assertThat(changes).hasValue(1);
        assertThat(source.describe()).endsWith("[GetLastInputInfo failed with error 5]");
        source.poll();
        assertThat(changes).hasValue(2);
        assertThat(source.current()).containsEntry(HostSignal.STORAGE_LOW, false);
        assertThat(source.describe()).doesNotContain("[");
    }

    @Test
    void aPartialReadingKeepsWhatItReadAndSaysWhatIsMissing() {
        source = new Scripted().then(Map.of(HostSignal.SESSION_CONNECTED, true));
        source.partial = "no idle time";
        source.start(changes::incrementAndGet);
        assertThat(source.current()).containsOnlyKeys(HostSignal.SESSION_CONNECTED);
        assertThat(source.describe()).endsWith("[no idle time]");
        source.partial = null;
        source.poll();
        assertThat(source.describe()).doesNotContain("[");
    }

    @Test
    void aSourceWithNothingToReadHereNeverReads() {
        source = new Scripted().then(Map.of(HostSignal.USER_PRESENT, true));
        source.openResult = false;
        source.start(changes::incrementAndGet);
        source.poll();
        assertThat(source.reads).isZero();
        assertThat(source.current()).isEmpty();
        source.close();
        assertThat(source.releases).isZero();
    }

    @Test
    void aSourceThatCannotOpenStaysUnknownAndSaysWhy() {
        source = new Scripted().then(Map.of(HostSignal.USER_PRESENT, true));
        source.openFailure = new IOException("cannot open display :7");
        source.start(changes::incrementAndGet);
        source.poll();
        assertThat(source.reads).isZero();
        assertThat(source.describe()).endsWith("[java.io.IOException: cannot open display :7]");
    }

    @Test
    void closeStopsThePollerReleasesOnceAndLaterPollsDoNothing() throws InterruptedException {
        source = new Scripted().then(Map.of(HostSignal.USER_PRESENT, true)).then(Map.of(HostSignal.USER_PRESENT, false));
        source.start(changes::incrementAndGet);
        Thread poller = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("bgtasks-scripted-poll")).findFirst().orElseThrow();
        source.close();
        source.close();
        source.poll();
        assertThat(source.reads).isEqualTo(1);
        assertThat(changes).hasValue(0);
        assertThat(source.releases).isEqualTo(1);
        // The executor has terminated when close returns; its thread may take a moment longer to end.
        poller.join(5_000);
        assertThat(poller.isAlive()).isFalse();
    }

    @Test
    void aListenerThatThrowsDoesNotStopThePolling() {
        source = new Scripted().then(Map.of(HostSignal.USER_PRESENT, true)).then(Map.of(HostSignal.USER_PRESENT, false))
                .then(Map.of(HostSignal.USER_PRESENT, true));
        source.start(() -> {
            changes.incrementAndGet();
            throw new IllegalStateException("listener bug");
        });
        source.poll();
        source.poll();
        assertThat(changes).hasValue(2);
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, true);
    }

    @Test
    void startsOnceAndNeverAfterClose() {
        source = new Scripted().then(Map.of());
        source.start(() -> { });
        assertThatThrownBy(() -> source.start(() -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessage("already started");
        Scripted closed = new Scripted().then(Map.of());
        closed.close();
        assertThatThrownBy(() -> closed.start(() -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessage("closed");
    }

    @Test
    void thePeriodMustBePositive() {
        assertThatThrownBy(() -> new PolledSignalSource("zero", Duration.ZERO) {
            @Override
            protected Map<HostSignal, Boolean> read() {
                return Map.of();
            }

            @Override
            public String describe() {
                return "";
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void periodsReadNaturally() {
        assertThat(PolledSignalSource.human(Duration.ofMinutes(5))).isEqualTo("5 min");
        assertThat(PolledSignalSource.human(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(PolledSignalSource.human(Duration.ofMillis(500))).isEqualTo("500 ms");
    }

    @Test
    void aSourceOnDemandReadsAtStartThenPollsOnlyWhileNeeded() { // issue 15: a broker that sleeps
        source = new Scripted(Set.of(HostSignal.STORAGE_LOW)).then(Map.of(HostSignal.STORAGE_LOW, false))
                .then(Map.of(HostSignal.STORAGE_LOW, false)).then(Map.of(HostSignal.STORAGE_LOW, true));
        source.start(changes::incrementAndGet);
        assertThat(source.reads).isEqualTo(1);
        assertThat(source.current()).containsEntry(HostSignal.STORAGE_LOW, false);
        assertThat(source.polling()).isFalse();

        source.need(Set.of(HostSignal.INTERNET));
        assertThat(source.polling()).isFalse();
        assertThat(source.reads).isEqualTo(1);

        // Needed: a reading now, so the value is fresh before the registration is answered, and a poll from now on.
        source.need(Set.of(HostSignal.INTERNET, HostSignal.STORAGE_LOW));
        assertThat(source.polling()).isTrue();
        assertThat(source.reads).isEqualTo(2);
        source.need(Set.of(HostSignal.STORAGE_LOW));
        assertThat(source.reads).as("needed still: no extra reading").isEqualTo(2);

        source.need(Set.of());
        assertThat(source.polling()).isFalse();
        assertThat(source.current()).as("the last reading stays").containsEntry(HostSignal.STORAGE_LOW, false);

        source.need(Set.of(HostSignal.STORAGE_LOW));
        assertThat(source.reads).isEqualTo(3);
        assertThat(source.current()).containsEntry(HostSignal.STORAGE_LOW, true);
        assertThat(changes).hasValue(1);
        source.close();
        assertThat(source.polling()).isFalse();
    }

    @Test
    void aSourceOnDemandNeededBeforeStartPollsFromStart() { // issue 15
        source = new Scripted(Set.of(HostSignal.STORAGE_LOW)).then(Map.of(HostSignal.STORAGE_LOW, false));
        source.need(Set.of(HostSignal.STORAGE_LOW));
        assertThat(source.reads).isZero();
        source.start(changes::incrementAndGet);
        assertThat(source.polling()).isTrue();
        assertThat(source.reads).isEqualTo(1);
    }

    @Test
    void aSourceWithoutDemandPollsAlwaysAndIgnoresNeeds() {
        source = new Scripted().then(Map.of(HostSignal.USER_PRESENT, true));
        source.start(changes::incrementAndGet);
        assertThat(source.polling()).isTrue();
        source.need(Set.of());
        assertThat(source.polling()).isTrue();
    }
}
