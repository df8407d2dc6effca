package dev.bgtasks.host;

import java.util.Objects;

/**
 * How a task's {@code run} ended, as the task process reports it: success, or the exception it threw (SPEC X4).
 *
 * <pre>{@code
 * TaskResult result = runner.run(task);
 * if (!result.succeeded()) {
 *     log.warn("task failed: {}: {}", result.errorClass(), result.errorMessage());
 * }
 * }</pre>
 *
 * @param errorClass   the binary name of the exception's class; {@code null} exactly when the run succeeded
 * @param errorMessage the exception's message, {@code ""} when it had none; {@code null} exactly when the run
 *                     succeeded
 * @param retryRequested the task asked for this attempt to be run again (SPEC P1)
 */
public record TaskResult(String errorClass, String errorMessage, boolean retryRequested) {
    private static final TaskResult SUCCESS = new TaskResult(null, null, false);

    public TaskResult {
        if (errorClass == null && errorMessage != null) {
            throw new IllegalArgumentException("errorMessage given without errorClass: " + errorMessage);
        }
        if (errorClass != null) {
            if (errorClass.isBlank()) {
                throw new IllegalArgumentException("errorClass is blank");
            }
            Objects.requireNonNull(errorMessage, "errorMessage");
        }
    }

    /** A result without a retry request. */
    public TaskResult(String errorClass, String errorMessage) {
        this(errorClass, errorMessage, false);
    }

    public static TaskResult success() {
        return SUCCESS;
    }

    /** A failure carrying {@code t}'s class name and message, so the app can rethrow it in its terms (SPEC X4). */
    public static TaskResult failure(Throwable t) {
        Objects.requireNonNull(t, "t");
        String message = t.getMessage();
        return new TaskResult(t.getClass().getName(), message == null ? "" : message, false);
    }

    /** This result, with the task's request for another attempt (SPEC P1). */
    public TaskResult withRetryRequested() {
        return new TaskResult(errorClass, errorMessage, true);
    }

    public boolean succeeded() {
        return errorClass == null;
    }
}
