package dev.bgtasks;

/**
 * What a trigger does when an instance of it is already pending or running (SPEC P3).
 *
 * <pre>{@code
 * // "Sync now" pressed during a sync: one more sync runs after the current one.
 * bg.applicationTrigger().requestAsync(Map.of(), IfRunning.QUEUE_ONE);
 * }</pre>
 */
public enum IfRunning {
    /** The default: the request gets {@code CURRENTLY_RUNNING} and nothing changes (SPEC T4). */
    KEEP,
    /** The pending or running instance is cancelled with {@code ABORT}; a new one is {@code ALLOWED}. */
    REPLACE,
    /**
     * One more instance runs after the current one ({@code ALLOWED}); a request while one is already queued gets
     * {@code CURRENTLY_RUNNING}.
     */
    QUEUE_ONE
}
