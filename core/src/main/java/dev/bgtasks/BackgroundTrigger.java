package dev.bgtasks;

/**
 * A trigger that fires without the app asking (UWP {@code IBackgroundTrigger} beyond {@code ApplicationTrigger}):
 * a {@link TimeTrigger}, a {@link MaintenanceTrigger}, a {@link SystemTrigger} or a {@link DeviceTrigger}. Registered
 * with the same builder and conditions as an application trigger; each registration gets a slot of its own, so one
 * instance of it runs at a time (SPEC Y4).
 *
 * <pre>{@code
 * bg.newTask().name("nightly").command(List.of("backup"))
 *         .setTrigger(new MaintenanceTrigger(Duration.ofHours(24), false))
 *         .addCondition(new SystemCondition(SystemConditionType.FREE_NETWORK_AVAILABLE))
 *         .register();
 * }</pre>
 */
public sealed interface BackgroundTrigger permits TimeTrigger, MaintenanceTrigger, SystemTrigger, DeviceTrigger {
    /**
     * Whether the trigger fires once and then never again.
     *
     * @return true for a one-shot trigger
     */
    boolean oneShot();
}
