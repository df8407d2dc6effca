package dev.bgtasks.task;

/**
 * Why a task instance was cancelled (UWP {@code BackgroundTaskCancellationReason}).
 *
 * <pre>{@code
 * task.onCanceled(reason -> log.info("cancelled: {}", reason));
 * }</pre>
 */
public enum BackgroundTaskCancellationReason {
    /** The app or the user cancelled it, or its registration was removed with {@code unregister(true)}. */
    ABORT,
    /** The broker is shutting down. */
    TERMINATING,
    /** The user is logging off. */
    LOGGING_OFF,
    /** The app is being updated. */
    SERVICING_UPDATE,
    /** Never produced; kept for parity with UWP. */
    IDLE_TASK,
    /** The app's access was removed: its registrations go with it (SPEC A3). */
    UNINSTALL,
    /** A condition turned false while running, with {@code cancelOnConditionLoss(true)} (SPEC X8). */
    CONDITION_LOSS,
    /** The app's access was denied by the user or the admin while it ran (SPEC A4). */
    SYSTEM_POLICY,
    /** Never produced; kept for parity with UWP. */
    QUIET_HOURS_ENTERED,
    /** The registration's wall-clock budget was spent (SPEC X7). */
    EXECUTION_TIME_EXCEEDED,
    /** The task used more than its memory limit allows (SPEC X10). */
    RESOURCE_REVOCATION,
    /** Energy saver turned on and the app is not {@code ALWAYS_ALLOWED} (SPEC X9). */
    ENERGY_SAVER
}
