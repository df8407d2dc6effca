package dev.bgtasks.task;

/**
 * The task's memory use relative to its limit (SPEC enums): under 50 %, from 50 %, from 80 %, over 100 %.
 *
 * <pre>{@code
 * AppMemoryUsageLevel level = AppMemoryUsageLevel.of(usedBytes, limitBytes);
 * }</pre>
 */
public enum AppMemoryUsageLevel {
    /** Below half of the limit, or no limit. */
    LOW,
    /** From half to 80 % of the limit. */
    MEDIUM,
    /** From 80 % of the limit up to the limit. */
    HIGH,
    /** Above the limit. */
    OVER_LIMIT;

    /**
     * The level of {@code usage} against {@code limit}; a limit of zero or less means "no limit" and gives LOW.
     *
     * @param usage the bytes in use
     * @param limit the limit in bytes; zero or less for none
     * @return the level
     */
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
