package dev.bgtasks.spi;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Live host signals, event-driven where the OS offers events.
 *
 * <pre>{@code
 * try (AutoCloseable sub = signals.subscribe(s -> log.info("now {}", s))) {
 *     boolean online = signals.current().is(HostSignal.INTERNET, true);
 * }
 * }</pre>
 *
 * <p>Implementations call listeners after every change of any signal, on a thread of their own; a listener must
 * not block.
 */
public interface HostSignals extends AutoCloseable {
    /** {@return the signals now; unknown signals are absent} */
    SignalSnapshot current();

    /**
     * Calls {@code listener} with the new snapshot each time a signal changes.
     *
     * @param listener receives each new snapshot; must not block
     * @return closing it removes the listener
     */
    AutoCloseable subscribe(Consumer<SignalSnapshot> listener);

    /**
     * One line per signal: its source and whether it is event-driven or polled (and how often).
     *
     * @return a multi-line description
     */
    String describe();

    /**
     * Which signals the registrations need now; the broker calls it at start and after each registration change. A
     * signal only a poll can read (free space) is polled only while needed (see {@link SignalSource#need}).
     *
     * @param signals the signals needed; empty when none
     */
    default void need(Set<HostSignal> signals) {
    }

    /** Stops event sources; the default has none. */
    @Override
    default void close() {
    }
}
