package dev.bgtasks;

/**
 * Where a task instance is in its life: PENDING, then RUNNING, then COMPLETED.
 *
 * <pre>{@code
 * boolean busy = info.state() != InstanceState.COMPLETED;
 * }</pre>
 */
public enum InstanceState {
    /** Triggered, waiting for its conditions (or for energy saver to go off). */
    PENDING,
    /** Its process runs. */
    RUNNING,
    /** Ended; the outcome is recorded. */
    COMPLETED
}
