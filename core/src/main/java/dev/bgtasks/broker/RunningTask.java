package dev.bgtasks.broker;

import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.task.BackgroundTaskCancellationReason;

/** The broker's in-memory handle on one running instance. Guarded by the broker's lock. */
final class RunningTask {
    final TaskDefinition definition;
    final SandboxedProcess process;
    InstanceRow row;
    HostControl host;
    /** The task host connected at least once: its JVM started. */
    boolean hostEverAttached;
    BrokerClock.Timer budgetTimer;
    BrokerClock.Timer graceTimer;
    /** The next check of the run log's size (SPEC B7). */
    BrokerClock.Timer logTimer;
    boolean killedAfterGrace;
    /** Taken back by a broker that did not start it (SPEC B3). */
    boolean readopted;
    boolean resultReported;
    String reportedErrorClass;
    String reportedErrorMessage;
    /** The Java task called {@code requestRetry()} (SPEC P1). */
    boolean retryRequested;
    /** SPEC W3: the instance as it was before a standby took it, to start cold if the standby dies first. */
    InstanceRow beforeStandby;
    /** The standby that took it said so before it ran anything of the task (SPEC W3). */
    boolean standbyConfirmed;
    /** The memory limit in force: the registration's, or what the task set lower since (SPEC X11). */
    Long memoryLimit;

    RunningTask(InstanceRow row, TaskDefinition definition, SandboxedProcess process) {
        this.row = row;
        this.definition = definition;
        this.process = process;
        this.memoryLimit = definition.limits().memoryBytes();
    }

    BackgroundTaskCancellationReason cancelReason() {
        return row.cancelReason();
    }

    boolean isJavaTask() {
        return definition.target() instanceof TaskTarget.JavaEntryPoint;
    }

    void stopTimers() {
        if (budgetTimer != null) {
            budgetTimer.cancel();
        }
        if (graceTimer != null) {
            graceTimer.cancel();
        }
        if (logTimer != null) {
            logTimer.cancel();
        }
    }
}
