package dev.bgtasks;

import java.util.Locale;

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
    USER_PRESENT,
    USER_NOT_PRESENT,
    INTERNET_AVAILABLE,
    INTERNET_NOT_AVAILABLE,
    SESSION_CONNECTED,
    SESSION_DISCONNECTED,
    /** Internet over a connection that is not metered. */
    FREE_NETWORK_AVAILABLE,
    BACKGROUND_WORK_COST_NOT_HIGH,
    /** Beyond UWP: on external power. */
    ON_AC_POWER,
    /** Beyond UWP: the battery is not low. */
    BATTERY_NOT_LOW,
    /** Beyond UWP: the data directory's filesystem is not low on space. */
    STORAGE_NOT_LOW;

    /** The spelling of the command line and the wire, e.g. {@code internet-available}. */
    public String kebabCase() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@code internet-available} or {@code INTERNET_AVAILABLE}.
     *
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
