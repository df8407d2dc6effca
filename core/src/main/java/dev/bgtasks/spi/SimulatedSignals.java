package dev.bgtasks.spi;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Host signals with overrides on top: a test rig or {@code bgtask simulate} sets a signal, and every listener sees
 * the change as if the host had made it. Signals without an override pass through from the real source.
 *
 * <pre>{@code
 * SimulatedSignals signals = new SimulatedSignals(platform.signals());
 * signals.override(Map.of(HostSignal.ENERGY_SAVER, true));
 * signals.clear();
 * }</pre>
 */
public final class SimulatedSignals implements HostSignals {
    private final HostSignals host;
    private final HardwareSource hardware;
    private final List<Consumer<SignalSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final AutoCloseable hostSubscription;
    private final AutoCloseable hardwareSubscription;
    private final Object lock = new Object();
    private SignalSnapshot overrides = SignalSnapshot.empty();
    private SignalSnapshot lastPublished;

    /**
     * Wraps {@code host}: its readings pass through until overridden.
     *
     * @param host the real signals
     */
    public SimulatedSignals(HostSignals host) {
        this(host, HardwareSource.none());
    }

    /**
     * Wraps {@code host} and {@code hardware}: their readings pass through until overridden.
     *
     * @param host the real signals
     * @param hardware the real hardware readings
     */
    public SimulatedSignals(HostSignals host, HardwareSource hardware) {
        this.host = Objects.requireNonNull(host, "host");
        this.hardware = Objects.requireNonNull(hardware, "hardware");
        synchronized (lock) {
            this.lastPublished = current();
        }
        this.hostSubscription = host.subscribe(ignored -> publishIfChanged());
        this.hardwareSubscription = hardware.subscribe(this::publishIfChanged);
    }

    /** Passes the registrations' needs to the real signals: overrides need no polling. */
    @Override
    public void need(Set<HostSignal> signals) {
        host.need(signals);
    }

    @Override
    public SignalSnapshot current() {
        synchronized (lock) {
            SignalSnapshot real = host.current();
            return real.withHardware(real.hardware().overriddenBy(hardware.current())).overriddenBy(overrides);
        }
    }

    /**
     * Sets hardware overrides (SPEC H5): condition verdicts merge into those in force, known sets and measures
     * replace theirs.
     *
     * @param values the readings that win; a null verdict in its condition overrides removes that override
     */
    public void overrideHardware(HardwareReadings values) {
        synchronized (lock) {
            HardwareReadings base = overrides.hardware();
            HardwareReadings merged = new HardwareReadings(
                    values.usbDevices() != null ? values.usbDevices() : base.usbDevices(),
                    values.volumes() != null ? values.volumes() : base.volumes(),
                    values.interfacesUp() != null ? values.interfacesUp() : base.interfacesUp(),
                    values.cpuTemperatureCelsius() != null ? values.cpuTemperatureCelsius()
                            : base.cpuTemperatureCelsius(),
                    values.cpuIdlePercent() != null ? values.cpuIdlePercent() : base.cpuIdlePercent(),
                    base.conditionOverrides(),
                    values.usbDevices() != null ? values.usbDeviceLocations() : base.usbDeviceLocations())
                    .withConditionOverrides(values.conditionOverrides());
            overrides = overrides.withHardware(merged);
        }
        publishIfChanged();
    }

    /**
     * Replaces the hardware overrides in force with exactly {@code values} (a rig puts back what a test changed).
     *
     * @param values the hardware overrides to keep; {@link HardwareReadings#UNKNOWN} for none
     */
    public void setHardwareOverrides(HardwareReadings values) {
        synchronized (lock) {
            overrides = overrides.withHardware(values);
        }
        publishIfChanged();
    }

    /** {@return the hardware source under the simulation} */
    public HardwareSource hardware() {
        return hardware;
    }

    /**
     * Sets overrides; a {@code null} value in the map removes that signal's override.
     *
     * @param values the overrides to set or, with null values, remove
     */
    public void override(Map<HostSignal, Boolean> values) {
        synchronized (lock) {
            EnumMap<HostSignal, Boolean> merged = new EnumMap<>(HostSignal.class);
            merged.putAll(overrides.known());
            values.forEach((signal, value) -> {
                if (value == null) {
                    merged.remove(signal);
                } else {
                    merged.put(signal, value);
                }
            });
            overrides = new SignalSnapshot(merged, overrides.hardware());
        }
        publishIfChanged();
    }

    /** Drops every override. */
    public void clear() {
        synchronized (lock) {
            overrides = SignalSnapshot.empty();
        }
        publishIfChanged();
    }

    /**
     * The overrides in force.
     *
     * @return the overrides, as a snapshot
     */
    public SignalSnapshot overrides() {
        synchronized (lock) {
            return overrides;
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<SignalSnapshot> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String describe() {
        SignalSnapshot active = overrides();
        String simulated = active.known().isEmpty() ? "" : "  simulated overrides: " + active.known() + "\n";
        String simulatedHardware = active.hardware().equals(HardwareReadings.UNKNOWN) ? ""
                : "  simulated hardware: " + active.hardware() + "\n";
        String hw = hardware.describe();
        return host.describe() + (host.describe().endsWith("\n") ? "" : "\n") + hw
                + (hw.endsWith("\n") ? "" : "\n") + simulated + simulatedHardware;
    }

    /** Stops listening to the host signals; they belong to their platform, which closes them. */
    @Override
    public void close() {
        try {
            hardwareSubscription.close();
            hostSubscription.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the host signal subscription failed", e);
        }
    }

    private void publishIfChanged() {
        SignalSnapshot now;
        synchronized (lock) {
            now = current();
            if (now.equals(lastPublished)) {
                return;
            }
            lastPublished = now;
        }
        for (Consumer<SignalSnapshot> listener : listeners) {
            listener.accept(now);
        }
    }
}
