package dev.bgtasks.spi;

import dev.bgtasks.task.BackgroundWorkCost;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The host signals at one moment. A signal missing from the map is unknown.
 *
 * <pre>{@code
 * SignalSnapshot s = SignalSnapshot.empty().with(HostSignal.INTERNET, true);
 * boolean online = s.is(HostSignal.INTERNET, true);
 * }</pre>
 *
 * @param known the signals whose value is known
 * @param hardware the hardware readings (SPEC H1); {@link HardwareReadings#UNKNOWN} when none
 */
public record SignalSnapshot(Map<HostSignal, Boolean> known, HardwareReadings hardware) {
    private static final SignalSnapshot EMPTY = new SignalSnapshot(Map.of());

    /**
     * Copies {@code known} into an unmodifiable map.
     *
     * @param known the signals whose value is known
     * @param hardware the hardware readings; null for none
     */
    public SignalSnapshot {
        EnumMap<HostSignal, Boolean> copy = new EnumMap<>(HostSignal.class);
        copy.putAll(known);
        known = Collections.unmodifiableMap(copy);
        hardware = hardware == null ? HardwareReadings.UNKNOWN : hardware;
    }

    /**
     * Signals without hardware readings.
     *
     * @param known the signals whose value is known
     */
    public SignalSnapshot(Map<HostSignal, Boolean> known) {
        this(known, HardwareReadings.UNKNOWN);
    }

    /**
     * A copy with these hardware readings.
     *
     * @param readings the readings
     * @return a new snapshot
     */
    public SignalSnapshot withHardware(HardwareReadings readings) {
        return new SignalSnapshot(known, readings);
    }

    /** {@return a snapshot in which nothing is known} */
    public static SignalSnapshot empty() {
        return EMPTY;
    }

    /**
     * The signal's value, empty when unknown.
     *
     * @param signal the signal
     * @return its value, or empty
     */
    public Optional<Boolean> get(HostSignal signal) {
        return Optional.ofNullable(known.get(signal));
    }

    /**
     * True only when the signal is known and has that value: an unknown signal satisfies nothing.
     *
     * @param signal the signal
     * @param value the value to compare with
     * @return whether the signal is known to have {@code value}
     */
    public boolean is(HostSignal signal, boolean value) {
        Boolean v = known.get(signal);
        return v != null && v == value;
    }

    /**
     * A copy with one signal set; {@code null} makes it unknown.
     *
     * @param signal the signal to set
     * @param value its value, or null for unknown
     * @return a new snapshot
     */
    public SignalSnapshot with(HostSignal signal, Boolean value) {
        EnumMap<HostSignal, Boolean> copy = new EnumMap<>(HostSignal.class);
        copy.putAll(known);
        if (value == null) {
            copy.remove(signal);
        } else {
            copy.put(signal, value);
        }
        return new SignalSnapshot(copy, hardware);
    }

    /**
     * This snapshot with every signal {@code overrides} knows replaced by its value there, hardware readings too.
     *
     * @param overrides the values that win
     * @return a new snapshot
     */
    public SignalSnapshot overriddenBy(SignalSnapshot overrides) {
        EnumMap<HostSignal, Boolean> copy = new EnumMap<>(HostSignal.class);
        copy.putAll(known);
        copy.putAll(overrides.known);
        return new SignalSnapshot(copy, hardware.overriddenBy(overrides.hardware));
    }

    /**
     * LOW on external power, MEDIUM on battery with the user present, HIGH on battery with the user away or with
     * energy saver on (SPEC enums). Energy saver wins over external power. A machine that cannot say whether it is
     * on external power has no battery to report and counts as on external power.
     *
     * @return the cost of background work now
     */
    public BackgroundWorkCost backgroundWorkCost() {
        if (is(HostSignal.ENERGY_SAVER, true)) {
            return BackgroundWorkCost.HIGH;
        }
        if (!is(HostSignal.AC_POWER, false)) {
            return BackgroundWorkCost.LOW;
        }
        return is(HostSignal.USER_PRESENT, true) ? BackgroundWorkCost.MEDIUM : BackgroundWorkCost.HIGH;
    }
}
