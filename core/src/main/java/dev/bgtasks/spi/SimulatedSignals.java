package dev.bgtasks.spi;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private final List<Consumer<SignalSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final AutoCloseable hostSubscription;
    private final Object lock = new Object();
    private SignalSnapshot overrides = SignalSnapshot.empty();
    private SignalSnapshot lastPublished;

    /**
     * Wraps {@code host}: its readings pass through until overridden.
     *
     * @param host the real signals
     */
    public SimulatedSignals(HostSignals host) {
        this.host = Objects.requireNonNull(host, "host");
        synchronized (lock) {
            this.lastPublished = host.current();
        }
        this.hostSubscription = host.subscribe(ignored -> publishIfChanged());
    }

    @Override
    public SignalSnapshot current() {
        synchronized (lock) {
            return host.current().overriddenBy(overrides);
        }
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
            overrides = new SignalSnapshot(merged);
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
        return host.describe() + (host.describe().endsWith("\n") ? "" : "\n") + simulated;
    }

    /** Stops listening to the host signals; they belong to their platform, which closes them. */
    @Override
    public void close() {
        try {
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
