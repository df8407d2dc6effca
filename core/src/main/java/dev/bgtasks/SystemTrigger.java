package dev.bgtasks;

import java.util.Objects;

/**
 * Fires on a host-signal transition, such as the internet becoming available (UWP {@code SystemTrigger}, SPEC Y3).
 * Transitions come from the same event sources the conditions use; a simulated one ({@code bgtask simulate}) counts.
 *
 * <pre>{@code
 * bg.newTask().name("upload").taskEntryPoint("tasks.Upload")
 *         .setTrigger(new SystemTrigger(SystemTriggerType.INTERNET_AVAILABLE, false)).register();
 * }</pre>
 *
 * @param type the transition that fires it
 * @param oneShot fire once only
 */
public record SystemTrigger(SystemTriggerType type, boolean oneShot) implements BackgroundTrigger {
    /**
     * Checks that every part is given; the broker checks the rest at {@code register()}.
     *
     * @param type the transition
     * @param oneShot fire once only
     */
    public SystemTrigger {
        Objects.requireNonNull(type, "type");
    }
}
