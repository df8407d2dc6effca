package dev.bgtasks.windows;

import dev.bgtasks.spi.HostSignal;
import java.util.Map;

/**
 * One source of host signals on Windows: the Network List Manager, the power status, the session, input idle time.
 * {@link WindowsSignals} combines them; each source reports only what it knows and says how it learns of changes.
 *
 * <pre>{@code
 * source.start(() -> signals.recompute());
 * Boolean online = source.current().get(HostSignal.INTERNET);   // null: this source does not know
 * }</pre>
 */
interface WinSignalSource extends AutoCloseable {
    /** The signals this source knows now; a signal it cannot tell is absent, never guessed. */
    Map<HostSignal, Boolean> current();

    /**
     * Reads the first values and starts listening. {@code onChange} is called, on a thread of the source's, after
     * any of its signals changed; it must not block.
     */
    void start(Runnable onChange);

    /** One line per signal it reports: where it comes from, and whether by events or by polling (how often). */
    String describe();

    /** Stops listening and releases what the source holds; harmless when never started. */
    @Override
    void close();
}
