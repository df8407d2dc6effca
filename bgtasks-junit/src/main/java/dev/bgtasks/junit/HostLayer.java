package dev.bgtasks.junit;

import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostPlatforms;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SimulatedSignals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A host platform with a {@link SimulatedSignals} layer on its signals, and the platform view a broker is given so
 * it sees the overrides as host changes. One layer over the real host is shared by the whole test run.
 */
final class HostLayer implements AutoCloseable {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HostLayer.class);

    private final HostPlatform host;
    private final SimulatedSignals signals;
    private final boolean ownsHost;
    private final HostPlatform view;

    HostLayer(HostPlatform host, boolean ownsHost) {
        this.host = host;
        this.ownsHost = ownsHost;
        this.signals = new SimulatedSignals(host.signals(), host.hardware());
        this.view = new SimulatedPlatformView();
    }

    /** The layer over this host's own platform, made on first use and closed when the test run ends. */
    static HostLayer realHost(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(HostLayer.class, key -> new HostLayer(HostPlatforms.select(), true),
                        HostLayer.class);
    }

    SimulatedSignals signals() {
        return signals;
    }

    HostPlatform platform() {
        return view;
    }

    /** Puts the overrides back to {@code saved}, telling listeners once. */
    void restore(SignalSnapshot saved) {
        Map<HostSignal, Boolean> change = new HashMap<>();
        signals.overrides().known().keySet().forEach(signal -> change.put(signal, null));
        change.putAll(saved.known());
        signals.override(change);
        signals.setHardwareOverrides(saved.hardware());
    }

    /** JUnit closes the shared layer when the run ends, as it closes every {@code AutoCloseable} in a store. */
    @Override
    public void close() {
        signals.close();
        if (ownsHost) {
            host.signals().close();
        }
    }

    /** The host platform with the simulated signals in place of its own. */
    private final class SimulatedPlatformView implements HostPlatform {
        @Override
        public String name() {
            return host.name();
        }

        @Override
        public int priority() {
            return host.priority();
        }

        @Override
        public boolean isSupported() {
            return host.isSupported();
        }

        @Override
        public Optional<Throwable> unavailabilityCause() {
            return host.unavailabilityCause();
        }

        @Override
        public HostSignals signals() {
            return signals;
        }

        /**
         * The host's hardware for what a broker asks of it (which readings it needs, which it can read); the
         * readings themselves already reach the broker through {@link #signals()}, overrides included.
         */
        @Override
        public HardwareSource hardware() {
            return new NeedsOnly(host.hardware());
        }

        @Override
        public ProcessSandbox sandbox() {
            return host.sandbox();
        }

        @Override
        public List<String> runtimeResources() {
            return host.runtimeResources();
        }
    }

    /** Passes needs and capabilities through; gives no readings of its own, so the layer's overrides stay on top. */
    private record NeedsOnly(HardwareSource host) implements HardwareSource {
        @Override
        public HardwareReadings current() {
            return HardwareReadings.UNKNOWN;
        }

        @Override
        public AutoCloseable subscribe(Runnable listener) {
            return () -> { };
        }

        @Override
        public Set<HardwareSignal> readable() {
            return host.readable();
        }

        @Override
        public void need(Set<HardwareSignal> signals) {
            host.need(signals);
        }

        @Override
        public String describe() {
            return host.describe();
        }
    }
}
