package dev.bgtasks;

/**
 * The host-signal transitions a {@link SystemTrigger} fires on (SPEC Y3), named as UWP's
 * {@code SystemTriggerType} where it has the same meaning.
 *
 * <pre>{@code
 * new SystemTrigger(SystemTriggerType.POWER_STATE_CHANGE, false);
 * }</pre>
 */
public enum SystemTriggerType {
    /** The internet becomes reachable. */
    INTERNET_AVAILABLE,
    /** Internet reachability or the network's cost (metered or not) changes. */
    NETWORK_STATE_CHANGE,
    /** The user comes back. */
    USER_PRESENT,
    /** The user goes away. */
    USER_AWAY,
    /** The user's session is connected (unlocked, active). */
    SESSION_CONNECTED,
    /** The host goes on or off AC power. */
    POWER_STATE_CHANGE,
    /** The {@code BackgroundWorkCost} changes. */
    BACKGROUND_WORK_COST_CHANGE,
    /** Energy saver turns off. */
    ENERGY_SAVER_OFF
}
