package dev.bgtasks.broker;

import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.store.InstanceRow;
import java.util.List;
import java.util.Set;

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
        if (task.retryRequested) {
            // An attempt that asked to be run again did not succeed; this stands when no attempt is left (P1).
            return new Completion(TaskOutcome.FAILED, null, null, "the task asked for a retry");
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

    /**
     * SPEC B5: the end a task recorded itself while no broker watched it: its supervisor's exit record, a Java
     * host's result record, or both. Decided by the same rules as a watched exit; a task whose registration is gone
     * since is judged by the records alone.
     *
     * @param definition the registration's definition, or null when it was unregistered since
     * @param exit the supervisor's record, or null (then the exit code is unknown)
     * @param result the Java host's record, or null
     */
    static Completion ofRecords(TaskDefinition definition, InstanceRow row, TaskEndRecords.Exit exit,
                                TaskEndRecords.Result result) {
        ExitStatus status = exit != null ? exit.toExitStatus()
                : new ExitStatus(-1, ExitStatus.Reason.EXIT_CODE_UNKNOWN, 0);
        // Unregistered since (SPEC R8): what the records say decides; a result record means a Java task.
        TaskDefinition judged = definition != null ? definition : new TaskDefinition("(unregistered)",
                row.triggerName(), result != null ? new TaskTarget.JavaEntryPoint("(unregistered)", List.of())
                        : new TaskTarget.Command(List.of()), Set.of(), false, null, true, null, null);
        RunningTask seen = new RunningTask(row, judged, null);
        seen.readopted = true;
        if (result != null) {
            seen.resultReported = true;
            seen.reportedErrorClass = result.errorClass();
            seen.reportedErrorMessage = result.errorMessage();
        }
        return of(seen, status);
    }

    static Completion terminated(TerminationReason reason, String message) {
        return new Completion(TaskOutcome.TERMINATED, reason, null, message);
    }
}
