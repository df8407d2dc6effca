package dev.bgtasks.linux.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The decision and the change callbacks with a fake idle reader; runs on every OS since nothing loads libXss. */
class X11IdleSourceTest {
    private static final Duration THRESHOLD = Duration.ofSeconds(60);
    // Long enough that only the test's own poll() calls read the fake.
    private static final Duration PERIOD = Duration.ofHours(1);

    /** Answers the idle times it is given, in turn; the last one repeats. */
    private static final class FakeReader implements X11IdleSource.IdleReader {
        private final List<Object> answers = new ArrayList<>();
        private final IOException openFailure;
        String openedDisplay;
        int closes;

        FakeReader(IOException openFailure, Object... answers) {
            this.openFailure = openFailure;
            this.answers.addAll(List.of(answers));
        }

        @Override
        public void open(String display) throws IOException {
            if (openFailure != null) {
                throw openFailure;
            }
            openedDisplay = display;
        }

        @Override
        public long idleMillis() throws IOException {
            Object answer = answers.size() > 1 ? answers.remove(0) : answers.get(0);
            if (answer instanceof IOException e) {
                throw e;
            }
            return (Long) answer;
        }

        @Override
        public void close() {
            closes++;
        }
    }

    @Test
    void presentIsIdleBelowTheThreshold() {
        assertThat(X11IdleSource.userPresent(0, THRESHOLD)).isTrue();
        assertThat(X11IdleSource.userPresent(59_999, THRESHOLD)).isTrue();
        assertThat(X11IdleSource.userPresent(60_000, THRESHOLD)).isFalse();
        assertThat(X11IdleSource.userPresent(3_600_000, THRESHOLD)).isFalse();
    }

    @Test
    void readsTheDisplayOfTheEnvironmentAtStart() {
        FakeReader reader = new FakeReader(null, 1_000L);
        try (X11IdleSource source = new X11IdleSource(Map.of("DISPLAY", ":7"), THRESHOLD, PERIOD, reader)) {
            assertThat(source.current()).isEmpty();
            source.start(() -> { });
            assertThat(reader.openedDisplay).isEqualTo(":7");
            assertThat(source.current()).isEqualTo(Map.of(HostSignal.USER_PRESENT, true));
            assertThat(source.describe()).contains("DISPLAY=:7", "below 1 min", "polled every 60 min");
        }
        assertThat(reader.closes).isEqualTo(1);
    }

    @Test
    void noDisplayReportsNothingAndNeverOpens() {
        FakeReader reader = new FakeReader(null, 0L);
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("DISPLAY", " "),
                Map.of("WAYLAND_DISPLAY", "wayland-0"))) {
            try (X11IdleSource source = new X11IdleSource(env, THRESHOLD, PERIOD, reader)) {
                source.start(() -> { });
                source.poll();
                assertThat(source.current()).isEmpty();
                assertThat(source.describe()).contains("no DISPLAY");
            }
        }
        assertThat(reader.openedDisplay).isNull();
        assertThat(reader.closes).isZero();
    }

    @Test
    void anUnavailableDisplayReportsNothingAndSaysWhy() {
        FakeReader reader = new FakeReader(new IOException("cannot open display :9"), 0L);
        try (X11IdleSource source = new X11IdleSource(Map.of("DISPLAY", ":9"), THRESHOLD, PERIOD, reader)) {
            AtomicInteger changes = new AtomicInteger();
            source.start(changes::incrementAndGet);
            source.poll();
            assertThat(source.current()).isEmpty();
            assertThat(changes).hasValue(0);
            assertThat(source.describe()).contains("unknown", "cannot open display :9");
        }
        assertThat(reader.closes).isZero();
    }

    @Test
    void callsBackOnlyWhenPresenceFlips() {
        FakeReader reader = new FakeReader(null, 1_000L, 2_000L, 70_000L, 80_000L, 90_000L, 10L, 20L,
                new IOException("connection lost"), new IOException("connection lost"), 5L);
        List<Map<HostSignal, Boolean>> seen = new ArrayList<>();
        try (X11IdleSource source = new X11IdleSource(Map.of("DISPLAY", ":0"), THRESHOLD, PERIOD, reader)) {
            source.start(() -> seen.add(source.current()));   // reads 1 000: present, before any listener
            for (int i = 0; i < 9; i++) {
                source.poll();
            }
            assertThat(seen).containsExactly(
                    Map.of(HostSignal.USER_PRESENT, false),    // 70 000
                    Map.of(HostSignal.USER_PRESENT, true),     // 10
                    Map.of(),                                  // connection lost
                    Map.of(HostSignal.USER_PRESENT, true));    // 5
            assertThat(source.describe()).doesNotContain("connection lost");
        }
    }

    @Test
    void closeStopsPolling() {
        FakeReader reader = new FakeReader(null, 1_000L, 90_000L);
        AtomicInteger changes = new AtomicInteger();
        X11IdleSource source = new X11IdleSource(Map.of("DISPLAY", ":0"), THRESHOLD, PERIOD, reader);
        source.start(changes::incrementAndGet);
        source.close();
        source.poll();
        assertThat(changes).hasValue(0);
        assertThat(reader.closes).isEqualTo(1);
    }
}
