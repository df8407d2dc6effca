package dev.bgtasks;

import java.time.Duration;
import java.util.Objects;

/**
 * Fires {@code freshness} after registration (one-shot) or every {@code freshness} (UWP {@code TimeTrigger}, SPEC
 * Y1). The schedule follows the wall clock and survives restarts; fires missed while the host slept or no broker ran
 * coalesce into one (Y5). Freshness below 15 minutes is refused unless the broker allows shorter.
 *
 * <pre>{@code
 * bg.newTask().name("refresh").taskEntryPoint("tasks.Refresh")
 *         .setTrigger(new TimeTrigger(Duration.ofHours(6), false)).register();
 * }</pre>
 *
 * @param freshness how long after registration, or after the last fire, the next fire is due
 * @param oneShot fire once only
 */
public record TimeTrigger(Duration freshness, boolean oneShot) implements BackgroundTrigger {
    /** The shortest freshness a broker accepts by default (UWP's 15 minutes). */
    public static final Duration MINIMUM_FRESHNESS = Duration.ofMinutes(15);

    /**
     * Checks that every part is given; the broker checks the rest at {@code register()}.
     *
     * @param freshness the period
     * @param oneShot fire once only
     */
    public TimeTrigger {
        Objects.requireNonNull(freshness, "freshness");
    }
}
