package dev.bgtasks;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.task.BackgroundWorkCost;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * A condition a task waits for before it starts (UWP {@code SystemConditionType}). Conditions are AND-ed.
 *
 * <pre>{@code
 * builder.addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE));
 * SystemConditionType t = SystemConditionType.fromKebabCase("free-network-available");
 * }</pre>
 */
public enum SystemConditionType {
    /** Not a condition: {@code register()} rejects it (SPEC R1). */
    INVALID,
    /** Someone used the machine recently (input within the idle threshold). */
    USER_PRESENT,
    /** Nobody used the machine for the idle threshold. */
    USER_NOT_PRESENT,
    /** The host has a route to the internet. */
    INTERNET_AVAILABLE,
    /** The host has no route to the internet. */
    INTERNET_NOT_AVAILABLE,
    /** The user's session is attached to a console or a remote connection. */
    SESSION_CONNECTED,
    /** The user's session is detached (locked screen still counts as connected). */
    SESSION_DISCONNECTED,
    /** Internet over a connection that is not metered. */
    FREE_NETWORK_AVAILABLE,
    /** Background work is cheap right now: {@code backgroundWorkCost()} is LOW or MEDIUM. */
    BACKGROUND_WORK_COST_NOT_HIGH,
    /** Beyond UWP: on external power. */
    ON_AC_POWER,
    /** Beyond UWP: the battery is not low. */
    BATTERY_NOT_LOW,
    /** Beyond UWP: the data directory's filesystem is not low on space. */
    STORAGE_NOT_LOW;

    /**
     * The one table of what each condition needs of the host signals: the broker decides with it, and so do test
     * rigs ({@code bgtasks-junit}). Contradictions (SPEC R7) are found from it too.
     */
    private static final Map<SystemConditionType, Map<HostSignal, Boolean>> REQUIRED_SIGNALS =
            new EnumMap<>(SystemConditionType.class);

    static {
        REQUIRED_SIGNALS.put(USER_PRESENT, Map.of(HostSignal.USER_PRESENT, true));
        REQUIRED_SIGNALS.put(USER_NOT_PRESENT, Map.of(HostSignal.USER_PRESENT, false));
        REQUIRED_SIGNALS.put(INTERNET_AVAILABLE, Map.of(HostSignal.INTERNET, true));
        REQUIRED_SIGNALS.put(INTERNET_NOT_AVAILABLE, Map.of(HostSignal.INTERNET, false));
        REQUIRED_SIGNALS.put(SESSION_CONNECTED, Map.of(HostSignal.SESSION_CONNECTED, true));
        REQUIRED_SIGNALS.put(SESSION_DISCONNECTED, Map.of(HostSignal.SESSION_CONNECTED, false));
        REQUIRED_SIGNALS.put(FREE_NETWORK_AVAILABLE,
                Map.of(HostSignal.INTERNET, true, HostSignal.UNMETERED_NETWORK, true));
        REQUIRED_SIGNALS.put(ON_AC_POWER, Map.of(HostSignal.AC_POWER, true));
        REQUIRED_SIGNALS.put(BATTERY_NOT_LOW, Map.of(HostSignal.BATTERY_LOW, false));
        REQUIRED_SIGNALS.put(STORAGE_NOT_LOW, Map.of(HostSignal.STORAGE_LOW, false));
        // BACKGROUND_WORK_COST_NOT_HIGH is derived from several signals: see holdsUnder.
    }

    /**
     * {@return the signal values this condition needs; empty for {@code INVALID} and for
     * {@code BACKGROUND_WORK_COST_NOT_HIGH}, which is derived from several signals (see {@link #holdsUnder})}
     */
    public Map<HostSignal, Boolean> requiredSignals() {
        return REQUIRED_SIGNALS.getOrDefault(this, Map.of());
    }

    /**
     * Whether this condition holds under {@code signals}, as the broker decides: every required signal is known
     * and has its value (an unknown signal satisfies nothing); {@code BACKGROUND_WORK_COST_NOT_HIGH} holds when
     * {@link SignalSnapshot#backgroundWorkCost()} is not HIGH; {@code INVALID} never holds.
     *
     * @param signals the host signals
     * @return true when the condition holds
     */
    public boolean holdsUnder(SignalSnapshot signals) {
        if (this == BACKGROUND_WORK_COST_NOT_HIGH) {
            return signals.backgroundWorkCost() != BackgroundWorkCost.HIGH;
        }
        if (this == INVALID) {
            return false;
        }
        for (Map.Entry<HostSignal, Boolean> entry : requiredSignals().entrySet()) {
            if (!signals.is(entry.getKey(), entry.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The spelling of the command line and the wire, e.g. {@code internet-available}.
     *
     * @return the kebab-case spelling
     */
    public String kebabCase() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@code internet-available} or {@code INTERNET_AVAILABLE}.
     *
     * @param text a kebab-case or constant-style name
     * @return the condition type
     * @throws IllegalArgumentException naming the valid values when {@code text} is none of them
     */
    public static SystemConditionType fromKebabCase(String text) {
        String normalized = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (SystemConditionType t : values()) {
            if (t != INVALID && t.name().equals(normalized)) {
                return t;
            }
        }
        StringBuilder valid = new StringBuilder();
        for (SystemConditionType t : values()) {
            if (t != INVALID) {
                valid.append(valid.length() == 0 ? "" : ", ").append(t.kebabCase());
            }
        }
        throw new IllegalArgumentException("unknown condition '" + text + "'; valid: " + valid);
    }
}
