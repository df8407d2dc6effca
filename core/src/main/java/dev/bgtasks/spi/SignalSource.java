package dev.bgtasks.spi;

import java.util.Map;
import java.util.Set;

/**
 * One source of host signals inside a backend: rtnetlink or a D-Bus service on Linux, the Network List Manager or
 * the power-setting notifications on Windows, the dynamic store or IOKit on macOS, the free space of a file store
 * everywhere ({@link StorageSignalSource}). A backend's {@link HostSignals} combines its sources; each reports only
 * what it knows, and says how it learns of changes.
 *
 * <pre>{@code
 * source.start(() -> signals.recompute());
 * Boolean online = source.current().get(HostSignal.INTERNET);   // null: this source does not know
 * }</pre>
 */
public interface SignalSource extends AutoCloseable {
    /** {@return the signals this source knows now; a signal it cannot tell is absent, never guessed} */
    Map<HostSignal, Boolean> current();

    /**
     * Reads the first values and starts listening.
     *
     * @param onChange called, on a thread of the source's, after any of its signals may have changed; must not
     *     block
     */
    void start(Runnable onChange);

    /**
     * {@return one line per signal it reports: where it comes from, and whether by events or by polling (how
     * often)}
     */
    String describe();

    /**
     * Which signals some registration (and so its pending instances) needs now. A source that must poll for a signal
     * no OS sends events for (free space) polls only while it is needed, so an idle broker sleeps; an event-driven
     * source ignores this.
     *
     * @param signals the signals needed; empty when none
     */
    default void need(Set<HostSignal> signals) {
    }

    /** Stops listening and releases what the source holds; harmless when never started. */
    @Override
    void close();
}
