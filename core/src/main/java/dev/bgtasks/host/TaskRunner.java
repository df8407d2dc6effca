package dev.bgtasks.host;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.task.ApplicationTriggerDetails;
import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.task.BackgroundTaskDeferral;
import dev.bgtasks.task.BackgroundTaskInstance;
import dev.bgtasks.task.BackgroundWorkCost;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one instance of a {@link BackgroundTask} inside the task process and reports it: progress as it is set,
 * and one completion once {@code run} has returned and every deferral is completed (SPEC X2, X3).
 *
 * <pre>{@code
 * var runner = new TaskRunner(reporter, instanceId, taskId, details, signals::backgroundWorkCost);
 * connection.onCancel(runner::cancel);             // from the broker, on any thread
 * TaskResult result = runner.run(new ExportTask()); // blocks until the instance completes
 * int exitCode = result.succeeded() ? 0 : 1;
 * }</pre>
 *
 * <p>Anything {@code run} throws, {@link Error}s included, becomes a failed {@link TaskResult} that is reported
 * and returned, never rethrown: the app must learn why the task died (SPEC X4), and that includes an
 * {@code OutOfMemoryError} the task could not handle (SPEC X10). The caller decides what to do with the process
 * afterwards. A failed {@code run} does not wait for its open deferrals.
 *
 * <p>If the thread in {@code run} is interrupted while it waits for deferrals, the instance fails with an
 * {@link InterruptedException} result and the interrupt flag is restored: the host is shutting down.
 *
 * <p>Thread-safe: progress, deferrals and cancellation may come from any thread. One runner runs one instance.
 */
public final class TaskRunner {

    private final TaskReporter reporter;
    private final UUID instanceId;
    private final UUID taskId;
    private final ApplicationTriggerDetails details;
    private final Supplier<BackgroundWorkCost> workCost;
    private final DeferralTracker deferrals = new DeferralTracker();
    private final CancellationSignal cancellation;
    private final AtomicBoolean started = new AtomicBoolean();
    // Serializes every reporter call, so progress keeps its order and nothing follows the completion.
    private final Lock reportLock = new ReentrantLock();
    private volatile int progress;
    private volatile boolean retryRequested;
    private boolean completionReported;

    public TaskRunner(TaskReporter reporter, UUID instanceId, UUID taskId, ApplicationTriggerDetails details,
            Supplier<BackgroundWorkCost> workCost) {
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.taskId = Objects.requireNonNull(taskId, "taskId");
        this.details = Objects.requireNonNull(details, "details");
        this.workCost = Objects.requireNonNull(workCost, "workCost");
        this.cancellation = new CancellationSignal(instanceId);
    }

    /**
     * Calls {@code task.run} on this thread, waits until the instance completes, reports the result once and
     * returns it.
     *
     * @throws IllegalStateException if this runner has already run a task
     */
    public TaskResult run(BackgroundTask task) {
        Objects.requireNonNull(task, "task");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("instance " + instanceId + " has already run");
        }
        TaskResult result = runAndAwait(task);
        if (retryRequested) {
            result = result.withRetryRequested();
        }
        reportCompletion(result);
        return result;
    }

    /**
     * Fires the instance's {@code Canceled} event with {@code reason}, at most once per instance (SPEC X6).
     * Listeners run on the calling thread. One that throws does not stop the others: its exception is logged, or,
     * for an {@link Error}, rethrown once every listener has run. Cancelling does not complete the instance; the
     * task ends its deferrals, or the broker kills it after the grace period.
     *
     * @return false if it was already cancelled; then no listener is called
     */
    public boolean cancel(BackgroundTaskCancellationReason reason) {
        return cancellation.cancel(reason);
    }

    private TaskResult runAndAwait(BackgroundTask task) {
        try {
            task.run(new Instance());
        } catch (Throwable t) {
            deferrals.abandon();
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Log.LOG.debug("task of instance {} threw", instanceId, t);
            return TaskResult.failure(t);
        }
        try {
            deferrals.awaitSettled();
            return TaskResult.success();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            String message = "interrupted while waiting for " + deferrals.openCount() + " open deferral(s)";
            return TaskResult.failure(new InterruptedException(message));
        }
    }

    private void reportCompletion(TaskResult result) {
        reportLock.lock();
        try {
            completionReported = true;
            reporter.completed(result);
        } finally {
            reportLock.unlock();
        }
    }

    private void reportProgress(int value) {
        reportLock.lock();
        try {
            progress = value;
            if (completionReported) {
                // The broker has closed the instance; a late report would reach app listeners out of turn.
                Log.LOG.debug("progress {} of instance {} set after completion, not reported", value, instanceId);
            } else {
                reporter.progress(value);
            }
        } finally {
            reportLock.unlock();
        }
    }

    private void reportResult(byte[] encoded) {
        reportLock.lock();
        try {
            if (completionReported) {
                throw new IllegalStateException("instance " + instanceId + " has completed; its result is final");
            }
            reporter.result(encoded);
        } finally {
            reportLock.unlock();
        }
    }

    private final class Instance implements BackgroundTaskInstance {
        @Override
        public UUID instanceId() {
            return instanceId;
        }

        @Override
        public UUID taskId() {
            return taskId;
        }

        @Override
        public ApplicationTriggerDetails triggerDetails() {
            return details;
        }

        @Override
        public void setProgress(int value) {
            if (value < 0 || value > 100) {
                throw new IllegalArgumentException("progress must be between 0 and 100, was " + value);
            }
            reportProgress(value);
        }

        @Override
        public int progress() {
            return progress;
        }

        @Override
        public void setResult(Map<String, ?> result) {
            // Checked here, so the task hears of a bad value at its own call (SPEC P2, as T6 for arguments).
            reportResult(ValueMapCodec.encode(result));
        }

        @Override
        public void requestRetry() {
            retryRequested = true;
        }

        @Override
        public BackgroundTaskDeferral getDeferral() {
            return deferrals.take();
        }

        @Override
        public AutoCloseable onCanceled(Consumer<BackgroundTaskCancellationReason> listener) {
            return cancellation.subscribe(listener);
        }

        @Override
        public BackgroundWorkCost backgroundWorkCost() {
            return Objects.requireNonNull(workCost.get(), "workCost supplied null");
        }
    }

    /** SLF4J starts with the first line logged, not with this class: a task host's start logs nothing (issue 15). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    }
}
