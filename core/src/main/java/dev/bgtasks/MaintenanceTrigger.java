package dev.bgtasks;

import java.time.Duration;
import java.util.Objects;

/**
 * As a {@link TimeTrigger}, but fires only while the host is on AC power: a fire due on battery waits for AC (UWP
 * {@code MaintenanceTrigger}, SPEC Y2).
 *
 * <pre>{@code
 * bg.newTask().name("reindex").command(List.of("reindex"))
 *         .setTrigger(new MaintenanceTrigger(Duration.ofHours(24), false)).register();
 * }</pre>
 *
 * @param freshness how long after registration, or after the last fire, the next fire is due
 * @param oneShot fire once only
 */
public record MaintenanceTrigger(Duration freshness, boolean oneShot) implements BackgroundTrigger {
    /**
     * Checks that every part is given; the broker checks the rest at {@code register()}.
     *
     * @param freshness the period
     * @param oneShot fire once only
     */
    public MaintenanceTrigger {
        Objects.requireNonNull(freshness, "freshness");
    }
}
