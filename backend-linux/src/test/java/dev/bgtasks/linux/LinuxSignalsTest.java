package dev.bgtasks.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SignalSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinuxSignalsTest {
    private static final Map<HostSignal, Boolean> NOTHING = Map.of();

    @Test
    void theKernelDecidesInternetUntilAValidatingSourceKnows() {
        assertThat(LinuxSignals.merge(Map.of(HostSignal.INTERNET, true), List.of(NOTHING)).get(HostSignal.INTERNET))
                .contains(true);
        // NetworkManager at PORTAL/LIMITED: the route is there, the internet is not.
        assertThat(LinuxSignals.merge(Map.of(HostSignal.INTERNET, true), List.of(Map.of(HostSignal.INTERNET, false)))
                .get(HostSignal.INTERNET)).contains(false);
        // No default route: a stale FULL cannot bring the internet back.
        assertThat(LinuxSignals.merge(Map.of(HostSignal.INTERNET, false), List.of(Map.of(HostSignal.INTERNET, true)))
                .get(HostSignal.INTERNET)).contains(false);
        assertThat(LinuxSignals.merge(NOTHING, List.of(NOTHING)).get(HostSignal.INTERNET)).isEmpty();
    }

    @Test
    void theFirstSourceThatKnowsASignalWins() {
        SignalSnapshot s = LinuxSignals.merge(NOTHING, List.of(
                Map.of(HostSignal.UNMETERED_NETWORK, false),
                Map.of(HostSignal.UNMETERED_NETWORK, true, HostSignal.AC_POWER, true),
                Map.of(HostSignal.AC_POWER, false, HostSignal.STORAGE_LOW, false)));
        assertThat(s.known()).containsEntry(HostSignal.UNMETERED_NETWORK, false)
                .containsEntry(HostSignal.AC_POWER, true).containsEntry(HostSignal.STORAGE_LOW, false)
                .doesNotContainKey(HostSignal.USER_PRESENT);
    }

    @Test
    void listenersHearOnlyChangesOfTheCombinedSnapshot() {
        StubSource link = new StubSource();
        StubSource nm = new StubSource();
        LinuxSignals signals = new LinuxSignals(link, List.of(nm), Runnable::run);
        List<SignalSnapshot> seen = new ArrayList<>();
        signals.subscribe(seen::add);
        signals.start();

        link.set(HostSignal.INTERNET, true);
        nm.set(HostSignal.UNMETERED_NETWORK, true);
        nm.set(HostSignal.UNMETERED_NETWORK, true); // no change: no event
        nm.set(HostSignal.INTERNET, false);

        assertThat(seen).extracting(s -> s.get(HostSignal.INTERNET).orElse(null)).containsExactly(true, true, false);
        assertThat(signals.describe()).contains("stub");
        signals.close();
        assertThat(link.closed).isTrue();
    }

    private static final class StubSource implements SignalSource {
        private final Map<HostSignal, Boolean> values = new EnumMap<>(HostSignal.class);
        private Runnable onChange = () -> { };
        boolean closed;

        void set(HostSignal signal, boolean value) {
            values.put(signal, value);
            onChange.run();
        }

        @Override
        public Map<HostSignal, Boolean> current() {
            return Map.copyOf(values);
        }

        @Override
        public void start(Runnable listener) {
            this.onChange = listener;
        }

        @Override
        public String describe() {
            return "stub source";
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
