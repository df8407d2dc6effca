package dev.bgtasks.task;

/**
 * The task's memory use relative to its limit (SPEC enums): under 50 %, from 50 %, from 80 %, over 100 %.
 *
 * <pre>{@code
 * AppMemoryUsageLevel level = AppMemoryUsageLevel.of(usedBytes, limitBytes);
 * }</pre>
 */
public enum AppMemoryUsageLevel {
    LOW,
    MEDIUM,
    HIGH,
    OVER_LIMIT;

    /** The level of {@code usage} against {@code limit}; a limit of zero or less means "no limit" and gives LOW. */
    public static AppMemoryUsageLevel of(long usage, long limit) {
        if (limit <= 0) {
            return LOW;
        }
        if (usage > limit) {
            return OVER_LIMIT;
        }
        // Compare in integer arithmetic scaled by 10 to avoid rounding at the 50 % and 80 % edges.
        if (usage * 10 >= limit * 8L) {
            return HIGH;
        }
        if (usage * 10 >= limit * 5L) {
            return MEDIUM;
        }
        return LOW;
    }
}
