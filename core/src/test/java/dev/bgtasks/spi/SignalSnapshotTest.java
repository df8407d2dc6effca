package dev.bgtasks.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.task.BackgroundWorkCost;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalSnapshotTest {
    private static SignalSnapshot of(Boolean ac, Boolean user, Boolean saver) {
        return SignalSnapshot.empty().with(HostSignal.AC_POWER, ac).with(HostSignal.USER_PRESENT, user)
                .with(HostSignal.ENERGY_SAVER, saver);
    }

    @Test
    void backgroundWorkCostFollowsTheSpecTable() { // SPEC enums: BackgroundWorkCost
        assertThat(of(true, false, false).backgroundWorkCost()).isEqualTo(BackgroundWorkCost.LOW);
        assertThat(of(false, true, false).backgroundWorkCost()).isEqualTo(BackgroundWorkCost.MEDIUM);
        assertThat(of(false, false, false).backgroundWorkCost()).isEqualTo(BackgroundWorkCost.HIGH);
        assertThat(of(false, null, false).backgroundWorkCost()).isEqualTo(BackgroundWorkCost.HIGH);
        assertThat(of(true, true, true).backgroundWorkCost()).isEqualTo(BackgroundWorkCost.HIGH);
        assertThat(of(null, null, null).backgroundWorkCost()).isEqualTo(BackgroundWorkCost.LOW);
    }

    @Test
    void unknownSatisfiesNeitherValue() {
        SignalSnapshot s = SignalSnapshot.empty();
        assertThat(s.is(HostSignal.INTERNET, true)).isFalse();
        assertThat(s.is(HostSignal.INTERNET, false)).isFalse();
        assertThat(s.with(HostSignal.INTERNET, true).with(HostSignal.INTERNET, null).get(HostSignal.INTERNET))
                .isEmpty();
    }

    @Test
    void simulatedOverridesWinAndTellListenersOnce() {
        MutableSignals host = new MutableSignals();
        SimulatedSignals simulated = new SimulatedSignals(host);
        java.util.List<SignalSnapshot> seen = new java.util.ArrayList<>();
        simulated.subscribe(seen::add);

        simulated.override(Map.of(HostSignal.INTERNET, false));
        host.set(SignalSnapshot.empty().with(HostSignal.INTERNET, true)); // hidden by the override
        simulated.override(java.util.Collections.singletonMap(HostSignal.INTERNET, null));

        assertThat(seen).extracting(s -> s.get(HostSignal.INTERNET).orElse(null)).containsExactly(false, true);
        simulated.clear();
        assertThat(seen).hasSize(2);
        assertThat(simulated.describe()).contains("mutable");
    }

    private static final class MutableSignals implements HostSignals {
        private final java.util.List<java.util.function.Consumer<SignalSnapshot>> listeners =
                new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile SignalSnapshot now = SignalSnapshot.empty();

        void set(SignalSnapshot snapshot) {
            now = snapshot;
            listeners.forEach(l -> l.accept(snapshot));
        }

        @Override
        public SignalSnapshot current() {
            return now;
        }

        @Override
        public AutoCloseable subscribe(java.util.function.Consumer<SignalSnapshot> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public String describe() {
            return "  mutable test signals";
        }
    }
}
