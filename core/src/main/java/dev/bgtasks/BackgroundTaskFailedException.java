package dev.bgtasks;

import java.util.Optional;
import java.util.UUID;

/**
 * Thrown by {@link BackgroundTaskCompletedEventArgs#checkResult()} when an instance did not end well: its
 * {@code run} threw, its process exited abnormally, or it was stopped by force (SPEC X4).
 *
 * <pre>{@code
 * try { e.checkResult(); } catch (BackgroundTaskFailedException f) {
 *     log.warn("{} failed: {} {}", f.instanceId(), f.taskExceptionClass().orElse(""), f.getMessage());
 * }
 * }</pre>
 */
public final class BackgroundTaskFailedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final UUID instanceId;
    private final TaskOutcome outcome;
    private final TerminationReason terminationReason;
    private final String taskExceptionClass;

    public BackgroundTaskFailedException(UUID instanceId, TaskOutcome outcome, TerminationReason terminationReason,
                                         String taskExceptionClass, String message) {
        super(describe(outcome, terminationReason, taskExceptionClass, message));
        this.instanceId = instanceId;
        this.outcome = outcome;
        this.terminationReason = terminationReason;
        this.taskExceptionClass = taskExceptionClass;
    }

    private static String describe(TaskOutcome outcome, TerminationReason reason, String exceptionClass,
                                   String message) {
        StringBuilder text = new StringBuilder("task ").append(outcome);
        if (reason != null) {
            text.append(" (").append(reason).append(')');
        }
        if (exceptionClass != null) {
            text.append(": ").append(exceptionClass);
        }
        if (message != null && !message.isEmpty()) {
            text.append(exceptionClass != null ? ": " : ": ").append(message);
        }
        return text.toString();
    }

    public UUID instanceId() {
        return instanceId;
    }

    public TaskOutcome outcome() {
        return outcome;
    }

    public Optional<TerminationReason> terminationReason() {
        return Optional.ofNullable(terminationReason);
    }

    /** The class of the exception {@code run} threw, when it threw one. */
    public Optional<String> taskExceptionClass() {
        return Optional.ofNullable(taskExceptionClass);
    }
}
