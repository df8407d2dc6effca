package dev.bgtasks.broker;

import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.spi.ExitStatus;

/**
 * How a task's end is recorded: the one place that turns an exit status and what the task reported into an
 * outcome (SPEC X4, X6, X10).
 *
 * @param outcome how it ended
 * @param terminationReason why it was stopped by force, or null
 * @param errorClass the task's exception class, or null
 * @param errorMessage what went wrong, or null
 */
record Completion(TaskOutcome outcome, TerminationReason terminationReason, String errorClass,
                  String errorMessage) {

    /** What a shell's {@code exec} exits with when the program cannot be run, or is not there. */
    static final int EXEC_NOT_EXECUTABLE = 126;
    static final int EXEC_NOT_FOUND = 127;

    static Completion of(RunningTask task, ExitStatus status) {
        switch (status.reason()) {
            case OUT_OF_MEMORY:
                return terminated(TerminationReason.OUT_OF_MEMORY, "the task passed its memory limit of "
                        + task.definition.limits().memoryBytes() + " bytes and was stopped");
            case PROCESS_LIMIT:
                return terminated(TerminationReason.PROCESS_LIMIT, "the task passed its process limit of "
                        + task.definition.limits().effectiveMaxProcesses() + " and was stopped");
            default:
                break;
        }
        if (task.killedAfterGrace) {
            return terminated(TerminationReason.KILLED_AFTER_GRACE, "cancelled (" + task.cancelReason()
                    + ") and still running after the grace period of " + task.definition.cancellationGrace());
        }
        if (task.cancelReason() != null) {
            return new Completion(TaskOutcome.CANCELED, null, task.reportedErrorClass, task.reportedErrorMessage);
        }
        if (task.reportedErrorClass != null) {
            return new Completion(TaskOutcome.FAILED, null, task.reportedErrorClass, task.reportedErrorMessage);
        }
        if (status.reason() == ExitStatus.Reason.EXIT_CODE_UNKNOWN) {
            // A re-adopted Java task still told us how run ended; a command cannot.
            return task.resultReported ? new Completion(TaskOutcome.SUCCEEDED, null, null, null)
                    : new Completion(TaskOutcome.FAILED, null, null,
                            "re-adopted after a broker restart; it ended without a result and its exit code "
                                    + "cannot be known");
        }
        if (status.reason() == ExitStatus.Reason.SIGNALED) {
            return terminated(TerminationReason.KILLED, "killed from outside bgtasks (exit status "
                    + status.exitCode() + ")");
        }
        if (task.isJavaTask() && !task.hostEverAttached && !task.readopted && !task.resultReported
                && (status.exitCode() == EXEC_NOT_EXECUTABLE || status.exitCode() == EXEC_NOT_FOUND)) {
            // The sandbox's exec of the JVM failed: the task never ran, and the app must hear why.
            return terminated(TerminationReason.LAUNCH_FAILED, "the task's JVM could not be started (exit code "
                    + status.exitCode() + ")");
        }
        if (status.exitCode() != 0) {
            return new Completion(TaskOutcome.FAILED, null, null, "exited with code " + status.exitCode());
        }
        if (task.isJavaTask() && !task.resultReported) {
            return new Completion(TaskOutcome.FAILED, null, null,
                    "the task host exited without reporting a result");
        }
        return new Completion(TaskOutcome.SUCCEEDED, null, null, null);
    }

    static Completion terminated(TerminationReason reason, String message) {
        return new Completion(TaskOutcome.TERMINATED, reason, null, message);
    }
}
