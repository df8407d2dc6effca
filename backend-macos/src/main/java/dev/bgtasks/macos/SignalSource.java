package dev.bgtasks.macos;

import dev.bgtasks.spi.HostSignal;
import java.util.Map;

/**
 * One source of host signals on macOS: the network notification with the dynamic store, the IOKit power sources,
 * the HID idle time with the console session, the data directory's file store. {@link MacSignals} combines them;
 * each reports only what it knows, and says how it learns of changes.
 *
 * <pre>{@code
 * source.start(() -> signals.recompute());
 * Boolean online = source.current().get(HostSignal.INTERNET);   // null: this source does not know
 * }</pre>
 */
interface SignalSource extends AutoCloseable {
    /** The signals this source knows now; a signal it cannot tell is absent, never guessed. */
    Map<HostSignal, Boolean> current();

    /**
     * Reads once and starts listening. {@code onChange} is called, on a thread of the source's, after any of its
     * signals may have changed; it must not block.
     */
    void start(Runnable onChange);

    /** One line per signal it reports: where it comes from, and whether by events or by polling (how often). */
    String describe();

    /** Stops listening and releases native objects; harmless when never started. */
    @Override
    void close();
}
