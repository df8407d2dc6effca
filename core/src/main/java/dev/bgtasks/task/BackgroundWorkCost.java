package dev.bgtasks.task;

/**
 * How costly background work is right now (UWP {@code BackgroundWorkCostValue}).
 *
 * <pre>{@code
 * if (task.backgroundWorkCost() == BackgroundWorkCost.HIGH) { doLess(); }
 * }</pre>
 */
public enum BackgroundWorkCost {
    /** On external power. */
    LOW,
    /** On battery, with the user active. */
    MEDIUM,
    /** On battery with the user away, or energy saver on. */
    HIGH
}
