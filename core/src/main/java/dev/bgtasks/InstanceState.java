package dev.bgtasks;

/**
 * Where a task instance is in its life: PENDING, then RUNNING, then COMPLETED; QUEUED before PENDING when it was
 * requested with {@link IfRunning#QUEUE_ONE} or {@link IfRunning#REPLACE} while another held its trigger.
 *
 * <pre>{@code
 * boolean busy = info.state() != InstanceState.COMPLETED;
 * }</pre>
 */
public enum InstanceState {
    /** Waits for the instance that holds its trigger to complete (SPEC P3); then it is PENDING. */
    QUEUED,
    /** Triggered, waiting for its conditions (or for energy saver to go off). */
    PENDING,
    /** Its process runs. */
    RUNNING,
    /** Ended; the outcome is recorded. */
    COMPLETED
}
