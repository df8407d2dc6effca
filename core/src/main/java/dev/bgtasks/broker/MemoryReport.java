package dev.bgtasks.broker;

/**
 * A task tree's memory as the broker sees it, for {@code MemoryManager} inside the task (SPEC X11).
 *
 * <pre>{@code
 * MemoryReport m = broker.memoryOf(runToken);
 * AppMemoryUsageLevel level = AppMemoryUsageLevel.of(m.usageBytes(), m.limitBytes());
 * }</pre>
 *
 * @param usageBytes memory of the whole tree now
 * @param peakBytes the most it used so far
 * @param limitBytes the limit in force, 0 for none
 */
public record MemoryReport(long usageBytes, long peakBytes, long limitBytes) {
}
