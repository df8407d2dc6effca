package dev.bgtasks.spi;

import java.time.Duration;

/**
 * Resource use of a whole task tree.
 *
 * <pre>{@code
 * ResourceUsage u = process.usage();
 * log.info("{} MiB now, {} MiB peak", u.memoryBytes() >> 20, u.peakMemoryBytes() >> 20);
 * }</pre>
 *
 * @param memoryBytes memory charged to the tree now
 * @param peakMemoryBytes the most it was charged so far
 * @param cpuTime CPU time used
 * @param processCount processes (and, where the mechanism counts them, threads) alive now
 */
public record ResourceUsage(long memoryBytes, long peakMemoryBytes, Duration cpuTime, int processCount) {
    /** Nothing measured. */
    public static final ResourceUsage NONE = new ResourceUsage(0, 0, Duration.ZERO, 0);
}
