package dev.bgtasks.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The limits of one task: memory of the whole process tree, number of processes and threads, and the wall-clock
 * budget. An unset limit takes the default: no memory limit, 512 processes where the platform can count them
 * (SPEC X12), 10 minutes (SPEC X7).
 *
 * <pre>{@code
 * ResourceLimits limits = ResourceLimits.builder()
 *         .memoryBytes(256L << 20).wallClock(Duration.ofMinutes(10)).maxProcesses(512).build();
 * }</pre>
 *
 * @param memoryBytes bytes for the whole task tree, or null for none
 * @param maxProcesses processes and threads of the task tree, or null for the default
 * @param wallClock the wall-clock budget, or null for the default
 */
public record ResourceLimits(Long memoryBytes, Integer maxProcesses, Duration wallClock) {
    /** The process limit when a registration sets none (SPEC X12). */
    public static final int DEFAULT_MAX_PROCESSES = 512;
    /** The wall-clock budget when a registration sets none (SPEC X7). */
    public static final Duration DEFAULT_WALL_CLOCK = Duration.ofMinutes(10);
    /** Below this no JVM or ordinary program starts; a smaller limit is a mistake, not a limit. */
    public static final long MIN_MEMORY_BYTES = 4L << 20;

    private static final ResourceLimits DEFAULTS = new ResourceLimits(null, null, null);

    /**
     * Rejects a memory limit below 4 MiB, a process limit below 1 and a budget that is not positive.
     *
     * @param memoryBytes bytes for the whole task tree, or null for none
     * @param maxProcesses processes and threads of the task tree, or null for the default
     * @param wallClock the wall-clock budget, or null for the default
     */
    public ResourceLimits {
        if (memoryBytes != null && memoryBytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("limits.memoryBytes must be at least " + MIN_MEMORY_BYTES
                    + " bytes (4 MiB), got " + memoryBytes);
        }
        if (maxProcesses != null && maxProcesses < 1) {
            throw new IllegalArgumentException("limits.maxProcesses must be at least 1, got " + maxProcesses);
        }
        if (wallClock != null && (wallClock.isNegative() || wallClock.isZero())) {
            throw new IllegalArgumentException("limits.wallClock must be positive, got " + wallClock);
        }
    }

    /** {@return limits with nothing set, so the defaults apply} */
    public static ResourceLimits defaults() {
        return DEFAULTS;
    }

    /** {@return a builder with nothing set} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the memory limit, when one is set} */
    public OptionalLong memoryLimit() {
        return memoryBytes == null ? OptionalLong.empty() : OptionalLong.of(memoryBytes);
    }

    /**
     * The process limit the registration asked for, if it asked for one.
     *
     * @return the asked-for process limit, if any
     */
    public OptionalInt explicitMaxProcesses() {
        return maxProcesses == null ? OptionalInt.empty() : OptionalInt.of(maxProcesses);
    }

    /**
     * The process limit to apply: the one asked for, else the default of 512.
     *
     * @return the process limit
     */
    public int effectiveMaxProcesses() {
        return maxProcesses == null ? DEFAULT_MAX_PROCESSES : maxProcesses;
    }

    /** {@return the wall-clock budget to apply: the one asked for, else 10 minutes} */
    public Duration effectiveWallClock() {
        return Optional.ofNullable(wallClock).orElse(DEFAULT_WALL_CLOCK);
    }

    /** Builds {@link ResourceLimits}; each setter rejects a value out of range at once. */
    public static final class Builder {
        private Long memoryBytes;
        private Integer maxProcesses;
        private Duration wallClock;

        private Builder() {
        }

        /**
         * Sets the memory limit of the task tree, in bytes; at least 4 MiB.
         *
         * @param bytes the limit in bytes
         * @return this builder
         */
        public Builder memoryBytes(long bytes) {
            this.memoryBytes = bytes;
            return validated();
        }

        /**
         * Sets the limit on processes and threads of the task tree; at least 1.
         *
         * @param count the limit
         * @return this builder
         */
        public Builder maxProcesses(int count) {
            this.maxProcesses = count;
            return validated();
        }

        /**
         * Sets the wall-clock budget; positive.
         *
         * @param budget how long an instance may run
         * @return this builder
         */
        public Builder wallClock(Duration budget) {
            this.wallClock = Objects.requireNonNull(budget, "wallClock");
            return validated();
        }

        // Fails at the setter that got the bad value, so the stack trace points at the caller's mistake.
        private Builder validated() {
            build();
            return this;
        }

        /** {@return the limits, validated} */
        public ResourceLimits build() {
            return new ResourceLimits(memoryBytes, maxProcesses, wallClock);
        }
    }
}
