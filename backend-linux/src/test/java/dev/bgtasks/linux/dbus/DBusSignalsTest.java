package dev.bgtasks.linux.dbus;

import static dev.bgtasks.linux.dbus.DBusMockBus.signals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DBusSignalsTest {
    /** A source with fixed signals that records its lifecycle. */
    private static final class Fixed implements SignalSource {
        final String name;
        final Map<HostSignal, Boolean> signals;
        final List<String> log;

        Fixed(String name, Map<HostSignal, Boolean> signals, List<String> log) {
            this.name = name;
            this.signals = signals;
            this.log = log;
        }

        @Override
        public Map<HostSignal, Boolean> current() {
            return signals;
        }

        @Override
        public void start(Runnable onChange) {
            log.add("start " + name);
        }

        @Override
        public String describe() {
            return name + ": fixed";
        }

        @Override
        public void close() {
            log.add("close " + name);
        }
    }

    @Test
    void theEarlierSourceWinsEachSignal() {
        List<String> log = new ArrayList<>();
        DBusSignals merged = new DBusSignals(List.of(
                new Fixed("portal", signals(HostSignal.UNMETERED_NETWORK, true), log),
                new Fixed("nm", signals(HostSignal.UNMETERED_NETWORK, false, HostSignal.INTERNET, true), log),
                new Fixed("ppd", signals(HostSignal.ENERGY_SAVER, true), log)), List.of());
        merged.start(() -> { });
        assertThat(merged.current()).isEqualTo(signals(HostSignal.UNMETERED_NETWORK, true, HostSignal.INTERNET,
                true, HostSignal.ENERGY_SAVER, true));
        assertThat(merged.describe()).isEqualTo("portal: fixed\nnm: fixed\nppd: fixed");
        merged.close();
        assertThat(log).containsExactly("start portal", "start nm", "start ppd", "close portal", "close nm",
                "close ppd");
    }

    @Test
    void withNoBusAnywhereEverySourceIsAbsentAndStartDoesNotBlock() {
        DBusSignals none = DBusSignals.open(Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bgtasks-bus"));
        try {
            // dbus-java's own default retries for 10 s; the deadline is far from a real start, so load cannot trip it.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> none.start(() -> { }));
            assertThat(none.current()).isEmpty();
            assertThat(none.describe()).contains("desktop portal: absent (DBUS_SESSION_BUS_ADDRESS is not set)",
                    "NetworkManager: absent", "UPower: absent", "power-profiles-daemon: absent", "logind: absent");
        } finally {
            none.close();
        }
        DBusSignals.open("unix:path=/nonexistent/bgtasks-bus", Optional.of("unix:path=/nonexistent/s")).close();
    }
}
