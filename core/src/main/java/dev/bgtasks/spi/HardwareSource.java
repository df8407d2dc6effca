package dev.bgtasks.spi;

import java.util.Set;

/**
 * Where a backend's {@link HardwareReadings} come from: event-driven where the OS offers events (kernel uevents,
 * mount-table changes, rtnetlink), polled otherwise. Polled readings are read only while the broker says some
 * registration needs them ({@link #need}), so an idle broker polls nothing.
 *
 * <pre>{@code
 * HardwareSource hw = platform.hardware();
 * hw.need(EnumSet.of(HardwareSignal.CPU_TEMPERATURE));
 * try (AutoCloseable sub = hw.subscribe(() -> log.info("now {}", hw.current()))) { ... }
 * }</pre>
 */
public interface HardwareSource extends AutoCloseable {
    /** {@return the readings now; what this source cannot read is null} */
    HardwareReadings current();

    /**
     * Calls {@code listener} after each change of a reading, on a thread of the source's.
     *
     * @param listener must not block
     * @return closing it removes the listener
     */
    AutoCloseable subscribe(Runnable listener);

    /** {@return the readings this platform can ever give; a condition on any other can never hold (SPEC H2)} */
    Set<HardwareSignal> readable();

    /**
     * Which readings some registration needs now; a polled reading is polled only while needed, the others may
     * start their event source lazily. The broker calls it at start and after each registration change.
     *
     * @param signals the readings needed; empty when none
     */
    void need(Set<HardwareSignal> signals);

    /**
     * One line per reading: its source, event-driven or polled (and the period).
     *
     * @return a multi-line description, each line indented by two spaces
     */
    String describe();

    /** Stops event sources and pollers. */
    @Override
    default void close() {
    }

    /** {@return a source that reads nothing: every hardware condition is unknown} */
    static HardwareSource none() {
        return NoHardware.INSTANCE;
    }

    /** The source of a platform that reads no hardware. */
    final class NoHardware implements HardwareSource {
        static final NoHardware INSTANCE = new NoHardware();

        private NoHardware() {
        }

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
            return Set.of();
        }

        @Override
        public void need(Set<HardwareSignal> signals) {
            // Nothing to start.
        }

        @Override
        public String describe() {
            return "  hardware: none readable on this platform\n";
        }
    }
}
