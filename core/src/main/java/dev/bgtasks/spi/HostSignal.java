package dev.bgtasks.spi;

/**
 * A fact about the host that conditions are made of. Backends report these; the broker maps each
 * {@code SystemConditionType} onto them. A signal a backend cannot read is unknown, never guessed.
 *
 * <pre>{@code
 * boolean online = signals.current().is(HostSignal.INTERNET, true);   // false when unknown
 * }</pre>
 */
public enum HostSignal {
    /** A non-loopback global address and a default route, validated where a source can tell. */
    INTERNET,
    /** The connection in use is not metered. */
    UNMETERED_NETWORK,
    /** The user is at the machine (recent input, session unlocked). */
    USER_PRESENT,
    /** The user's session is connected (local console or remote, not switched away). */
    SESSION_CONNECTED,
    /** The machine runs on external power. */
    AC_POWER,
    /** The battery is low. */
    BATTERY_LOW,
    /** The filesystem of the data directory is low on free space. */
    STORAGE_LOW,
    /** The OS energy saver (power-saver profile, battery saver, Low Power Mode) is on. */
    ENERGY_SAVER
}
