package dev.bgtasks.spi;

import java.util.Map;

/**
 * One source of host signals on Linux: rtnetlink, sysfs power supplies with uevents, a D-Bus service. The Linux
 * signals combine them; each source reports only what it knows, and says how it learns of changes.
 *
 * <pre>{@code
 * source.start(() -> signals.recompute());
 * Boolean online = source.current().get(HostSignal.INTERNET);   // null: this source does not know
 * }</pre>
 */
public interface SignalSource extends AutoCloseable {
    /** The signals this source knows now; a signal it cannot tell is absent, never guessed. */
    Map<HostSignal, Boolean> current();

    /**
     * Starts listening. {@code onChange} is called, on a thread of the source's, after any of its signals may
     * have changed; it must not block.
     */
    void start(Runnable onChange);

    /** One line per signal it reports: where it comes from, and whether by events or by polling (how often). */
    String describe();

    /** Stops listening and releases sockets and connections. */
    @Override
    void close();
}
