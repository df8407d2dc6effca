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
