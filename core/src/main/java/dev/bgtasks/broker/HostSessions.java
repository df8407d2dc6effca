package dev.bgtasks.broker;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.store.InstanceRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task host's side (SPEC S2): a host attaches with its instance's run token and, by that token alone, reports
 * progress (X2) and how {@code run} ended (X3, X4), reads its memory and lowers its limit (X11), and detaches. A token
 * that belongs to no running instance is refused.
 *
 * <pre>{@code
 * HostAttachment attachment = hosts.attach(runToken, reason -> queueCancel(reason));
 * hosts.progress(runToken, 50);
 * }</pre>
 *
 * <p>Callers hold the broker's lock.
 */
final class HostSessions {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final TaskRuns runs;
    private final Recovery recovery;
    private final Completions completions;

    HostSessions(BrokerContext ctx, TaskRuns runs, Recovery recovery, Completions completions) {
        this.ctx = ctx;
        this.runs = runs;
        this.recovery = recovery;
        this.completions = completions;
    }

    /** For a running instance the host becomes its control line; one a previous broker started is re-adopted. */
    HostAttachment attach(String runToken, HostControl control) {
        RunningTask task = runs.byToken(runToken).orElseGet(() -> recovery.readopt(runToken));
        task.host = control;
        task.hostEverAttached = true;
        if (task.cancelReason() != null) {
            control.cancel(task.cancelReason());
        }
        return attachmentOf(task, ctx.signals.current().backgroundWorkCost());
    }

    /** What a host running {@code task} is told: when it attaches, or when its standby takes the task (W1). */
    static HostAttachment attachmentOf(RunningTask task, dev.bgtasks.task.BackgroundWorkCost cost) {
        InstanceRow row = task.row;
        String entryPoint = task.definition.target() instanceof TaskTarget.JavaEntryPoint java
                ? java.className() : null;
        return new HostAttachment(row.instanceId(), row.taskId(), row.appId(), task.definition.name(), entryPoint,
                row.arguments().clone(), task.readopted, cost);
    }

    /**
     * SPEC W3: the standby host that was handed this instance says it took it, before it runs anything of the task;
     * from now on its end is the task's.
     */
    void confirmTaken(String runToken) {
        RunningTask task = requireRunning(runToken);
        if (task.beforeStandby == null) {
            throw new IllegalArgumentException("this instance was not handed to a standby host");
        }
        task.standbyConfirmed = true;
    }

    void progress(String runToken, int progress) {
        if (progress < 0 || progress > 100) {
            throw new IllegalArgumentException("progress must be 0 to 100, got " + progress);
        }
        RunningTask task = requireRunning(runToken);
        InstanceRow updated = task.row.withProgress(progress);
        ctx.store.run(tx -> tx.updateInstance(updated));
        task.row = updated;
        completions.publish(updated.appId(), new AppEvent.Progress(updated.taskId(), updated.instanceId(), progress));
    }

    void result(String runToken, String errorClass, String errorMessage, boolean retry) {
        RunningTask task = requireRunning(runToken);
        task.resultReported = true;
        task.retryRequested = retry;
        task.reportedErrorClass = errorClass;
        task.reportedErrorMessage = errorMessage;
    }

    /** SPEC P2: the same bound and types as trigger arguments (T6), checked by the same codec. */
    static void checkResult(byte[] encoded) {
        if (encoded.length > ValueMapCodec.MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("a result map may take at most " + ValueMapCodec.MAX_ENCODED_BYTES
                    + " bytes encoded, this one takes " + encoded.length);
        }
        ValueMapCodec.decode(encoded);
    }

    /** SPEC P2: stored at once, so a completion recorded by a later broker (B5) still carries it. */
    void setResult(String runToken, byte[] encoded) {
        RunningTask task = requireRunning(runToken);
        InstanceRow updated = task.row.withResult(encoded.clone());
        ctx.store.run(tx -> tx.updateInstance(updated));
        task.row = updated;
    }

    MemoryReport memory(String runToken) {
        RunningTask task = requireRunning(runToken);
        var usage = task.process.usage();
        return new MemoryReport(usage.memoryBytes(), usage.peakMemoryBytes(),
                task.memoryLimit == null ? 0 : task.memoryLimit);
    }

    boolean trySetMemoryLimit(String runToken, long bytes) {
        RunningTask task = requireRunning(runToken);
        Long allowed = task.definition.limits().memoryBytes();
        if (bytes < task.process.usage().memoryBytes() || (allowed != null && bytes > allowed)) {
            return false;
        }
        if (!task.process.setMemoryLimit(bytes)) {
            return false;
        }
        task.memoryLimit = bytes;
        LOG.info("instance {} set its memory limit to {} bytes", task.row.instanceId(), bytes);
        return true;
    }

    /** The host's connection closed; its process may still be running. */
    void detach(String runToken) {
        runs.byToken(runToken).ifPresent(task -> task.host = null);
    }

    private RunningTask requireRunning(String runToken) {
        return runs.byToken(runToken).orElseThrow(
                () -> new IllegalArgumentException("the run token belongs to no running instance"));
    }
}
