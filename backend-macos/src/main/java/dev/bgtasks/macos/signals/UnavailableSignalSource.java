package dev.bgtasks.macos.signals;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.util.Map;
import java.util.Objects;

/**
 * A source whose native side could not be set up (a framework that does not load): it reports nothing, so its
 * signals are unknown, and says why.
 *
 * <pre>{@code
 * SignalSource power = new UnavailableSignalSource("AC_POWER, BATTERY_LOW, ENERGY_SAVER", "IOKit: " + e);
 * }</pre>
 */
final class UnavailableSignalSource implements SignalSource {
    private final String signals;
    private final String why;

    UnavailableSignalSource(String signals, String why) {
        this.signals = Objects.requireNonNull(signals, "signals");
        this.why = Objects.requireNonNull(why, "why");
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return Map.of();
    }

    @Override
    public void start(Runnable onChange) {
        // Nothing to listen to.
    }

    @Override
    public String describe() {
        return signals + ": unknown (" + why + ")";
    }

    @Override
    public void close() {
        // Nothing was opened.
    }
}
