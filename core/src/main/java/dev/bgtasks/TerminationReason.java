package dev.bgtasks;

/**
 * Why an instance was stopped by force.
 *
 * <pre>{@code
 * case OUT_OF_MEMORY -> "raise the memory limit";
 * }</pre>
 */
public enum TerminationReason {
    /** The tree passed its memory limit (SPEC X10). */
    OUT_OF_MEMORY,
    /** The tree passed its process limit (SPEC X12). */
    PROCESS_LIMIT,
    /** Cancelled and not done within the grace period (SPEC X6). */
    KILLED_AFTER_GRACE,
    /** The broker died and the task did not reconnect to the next one in time (SPEC B3). */
    BROKER_LOST,
    /** The process could not be started. */
    LAUNCH_FAILED,
    /** Something outside bgtasks killed it. */
    KILLED
}
