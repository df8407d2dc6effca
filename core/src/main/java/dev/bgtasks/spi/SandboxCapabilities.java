package dev.bgtasks.spi;

import java.util.Objects;

/**
 * What a sandbox can do about each limit, with the name of the mechanism for messages and {@code bgtask doctor}.
 *
 * <pre>{@code
 * new SandboxCapabilities(Enforcement.ENFORCED, "cgroup1 memory.limit_in_bytes",
 *                         Enforcement.ENFORCED, "cgroup1 pids.max");
 * }</pre>
 *
 * @param memory how a memory limit is held
 * @param memoryMechanism what holds it, or what is missing
 * @param processes how a process-count limit is held
 * @param processMechanism what holds it, or what is missing
 */
public record SandboxCapabilities(Enforcement memory, String memoryMechanism,
                                  Enforcement processes, String processMechanism) {
    /**
     * Rejects null parts.
     *
     * @param memory how a memory limit is held
     * @param memoryMechanism what holds it, or what is missing
     * @param processes how a process-count limit is held
     * @param processMechanism what holds it, or what is missing
     */
    public SandboxCapabilities {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(memoryMechanism, "memoryMechanism");
        Objects.requireNonNull(processes, "processes");
        Objects.requireNonNull(processMechanism, "processMechanism");
    }

    /** How firmly a limit is held. */
    public enum Enforcement {
        /** By the kernel or an OS object: the task cannot pass it. */
        ENFORCED,
        /** By a watchdog that samples: the task can overshoot between samples. */
        BEST_EFFORT,
        /** Not at all. */
        NONE
    }
}
