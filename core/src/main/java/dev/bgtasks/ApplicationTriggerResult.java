package dev.bgtasks;

/**
 * The answer to {@code ApplicationTrigger.requestAsync} (UWP {@code ApplicationTriggerResult}).
 *
 * <pre>{@code
 * if (trigger.requestAsync().join() == ApplicationTriggerResult.CURRENTLY_RUNNING) { showBusy(); }
 * }</pre>
 */
public enum ApplicationTriggerResult {
    /** A new instance exists; it starts once its conditions hold (SPEC T5, T7). */
    ALLOWED,
    /** An instance of this trigger is pending or running (SPEC T4). */
    CURRENTLY_RUNNING,
    /** Called from inside a task, access denied, or energy saver on without {@code ALWAYS_ALLOWED} (SPEC T1, T3). */
    DISABLED_BY_POLICY,
    /** No registration holds this trigger (SPEC T2). */
    UNKNOWN_ERROR
}
