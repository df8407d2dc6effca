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
    TERMINATING,
    LOGGING_OFF,
    SERVICING_UPDATE,
    IDLE_TASK,
    UNINSTALL,
    /** A condition turned false while running, with {@code cancelOnConditionLoss(true)} (SPEC X8). */
    CONDITION_LOSS,
    /** The app's access was denied by the user or the admin while it ran (SPEC A4). */
    SYSTEM_POLICY,
    /** Never produced; kept for parity with UWP. */
    QUIET_HOURS_ENTERED,
    /** The registration's wall-clock budget was spent (SPEC X7). */
    EXECUTION_TIME_EXCEEDED,
    RESOURCE_REVOCATION,
    /** Energy saver turned on and the app is not {@code ALWAYS_ALLOWED} (SPEC X9). */
    ENERGY_SAVER
}
