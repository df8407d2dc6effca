package dev.bgtasks.macos.signals;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The combined snapshot of the macOS sources, and whether a new set of readings is news. The sources report
 * disjoint signals, so combining takes, for each signal, the first source that knows it. Pure Java; tested with a
 * table of reading sequences.
 *
 * <pre>{@code
 * MacSignalState state = new MacSignalState();
 * state.offer(List.of(network.current(), power.current())).ifPresent(listeners::tell);
 * }</pre>
 */
final class MacSignalState {
    private SignalSnapshot snapshot;

    /** The snapshot last offered; empty before the first offer. */
    synchronized SignalSnapshot current() {
        return snapshot == null ? SignalSnapshot.empty() : snapshot;
    }

    /**
     * Combines one reading per source. The first offer sets the baseline and is no news; later, the new snapshot
     * when it differs from the last, else empty.
     */
    synchronized Optional<SignalSnapshot> offer(List<Map<HostSignal, Boolean>> readings) {
        SignalSnapshot next = combine(readings);
        if (snapshot == null) {
            snapshot = next;
            return Optional.empty();
        }
        if (next.equals(snapshot)) {
            return Optional.empty();
        }
        snapshot = next;
        return Optional.of(next);
    }

    static SignalSnapshot combine(List<Map<HostSignal, Boolean>> readings) {
        Map<HostSignal, Boolean> merged = new EnumMap<>(HostSignal.class);
        for (Map<HostSignal, Boolean> reading : readings) {
            reading.forEach((signal, value) -> {
                if (value != null) {
                    merged.putIfAbsent(signal, value);
                }
            });
        }
        return new SignalSnapshot(merged);
    }
}
