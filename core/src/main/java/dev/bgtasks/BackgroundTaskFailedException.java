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
    /** The instance that failed. */
    private final UUID instanceId;
    /** How it ended. */
    private final TaskOutcome outcome;
    /** Why the broker ended it, or null when it ended by itself. */
    private final TerminationReason terminationReason;
    /** The class of the exception the task threw, or null. */
    private final String taskExceptionClass;

    /**
     * Creates the exception {@code checkResult()} throws; the message names every non-null part.
     *
     * @param instanceId the instance that failed
     * @param outcome how it ended
     * @param terminationReason why the broker ended it, or null
     * @param taskExceptionClass the class of the exception the task threw, or null
     * @param message the task's exception message or the broker's explanation, or null
     */
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

    /** {@return the instance that failed} */
    public UUID instanceId() {
        return instanceId;
    }

    /** {@return how the instance ended} */
    public TaskOutcome outcome() {
        return outcome;
    }

    /** {@return why the broker ended the instance, when it did} */
    public Optional<TerminationReason> terminationReason() {
        return Optional.ofNullable(terminationReason);
    }

    /**
     * The class of the exception {@code run} threw, when it threw one.
     *
     * @return the exception's fully qualified class name, if any
     */
    public Optional<String> taskExceptionClass() {
        return Optional.ofNullable(taskExceptionClass);
    }
}
