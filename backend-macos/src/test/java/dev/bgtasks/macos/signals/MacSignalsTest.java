package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SignalSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Combining the sources: listeners hear each actual change once; a failing source is unknown; close closes all. */
class MacSignalsTest {
    /** A source the test drives by hand. */
    static final class ScriptedSource implements SignalSource {
        volatile Map<HostSignal, Boolean> state;
        Runnable onChange;
        boolean closed;
        final String text;
        final boolean failOnStart;

        ScriptedSource(Map<HostSignal, Boolean> state, String text, boolean failOnStart) {
            this.state = state;
            this.text = text;
            this.failOnStart = failOnStart;
        }

        void set(Map<HostSignal, Boolean> next) {
            state = next;
            onChange.run();
        }

        @Override
        public Map<HostSignal, Boolean> current() {
            return state;
        }

        @Override
        public void start(Runnable onChange) {
            this.onChange = onChange;
            if (failOnStart) {
                state = Map.of();
                throw new IllegalStateException("cannot start");
            }
        }

        @Override
        public String describe() {
            return text;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void listenersHearEachActualChangeOnce() throws Exception {
        ScriptedSource network = new ScriptedSource(Map.of(HostSignal.INTERNET, true), "INTERNET: scripted\n", false);
        ScriptedSource power = new ScriptedSource(Map.of(HostSignal.AC_POWER, true), "AC_POWER: scripted", false);
        MacSignals signals = new MacSignals(List.of(network, power), Runnable::run);
        signals.startSources();
        List<SignalSnapshot> heard = new ArrayList<>();
        AutoCloseable subscription = signals.subscribe(heard::add);

        network.set(Map.of(HostSignal.INTERNET, true));   // a notification with no change
        power.set(Map.of(HostSignal.AC_POWER, false));
        power.set(Map.of(HostSignal.AC_POWER, false));
        network.set(Map.of(HostSignal.INTERNET, false));

        assertThat(heard).extracting(SignalSnapshot::known).containsExactly(
                Map.of(HostSignal.INTERNET, true, HostSignal.AC_POWER, false),
                Map.of(HostSignal.INTERNET, false, HostSignal.AC_POWER, false));
        assertThat(signals.current().known()).isEqualTo(Map.of(HostSignal.INTERNET, false,
                HostSignal.AC_POWER, false));

        subscription.close();
        network.set(Map.of(HostSignal.INTERNET, true));
        assertThat(heard).hasSize(2);
        assertThat(signals.describe()).isEqualTo("    INTERNET: scripted\n    AC_POWER: scripted\n");

        signals.close();
        assertThat(network.closed).isTrue();
        assertThat(power.closed).isTrue();
    }

    @Test
    void aSourceThatFailsToStartReportsNothingAndTheOthersStillRun() {
        ScriptedSource broken = new ScriptedSource(Map.of(HostSignal.INTERNET, true), "INTERNET: broken", true);
        ScriptedSource power = new ScriptedSource(Map.of(HostSignal.AC_POWER, true), "AC_POWER: scripted", false);
        MacSignals signals = new MacSignals(List.of(broken, power), Runnable::run);
        signals.startSources();
        assertThat(signals.current().known()).isEqualTo(Map.of(HostSignal.AC_POWER, true));
        assertThat(power.onChange).isNotNull();
        signals.close();
        assertThat(broken.closed).isTrue();
    }

    @Test
    @org.junit.jupiter.api.condition.DisabledOnOs(org.junit.jupiter.api.condition.OS.MAC)
    void offAMacEveryNativeSourceIsUnknownAndSaysWhyButStartAndCloseWork() {
        MacSignals signals = MacSignals.start();
        try {
            assertThat(signals.current().known().keySet()).containsOnly(HostSignal.STORAGE_LOW);
            assertThat(signals.describe()).contains("INTERNET, UNMETERED_NETWORK: unknown (",
                    "AC_POWER, BATTERY_LOW, ENERGY_SAVER: unknown (", "USER_PRESENT, SESSION_CONNECTED: unknown (",
                    "STORAGE_LOW: usable space of");
        } finally {
            signals.close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && t.getName().startsWith("bgtasks-macos-"));
    }

    @Test
    void anUnavailableSourceIsUnknownAndSaysWhy() {
        MacSignals signals = new MacSignals(List.of(new UnavailableSignalSource("AC_POWER, BATTERY_LOW",
                "IOKit: java.lang.UnsatisfiedLinkError: no IOKit")), Runnable::run);
        signals.startSources();
        assertThat(signals.current()).isEqualTo(SignalSnapshot.empty());
        assertThat(signals.describe()).contains("AC_POWER, BATTERY_LOW: unknown (IOKit:");
        signals.close();
    }
}
