package dev.bgtasks.junit;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.host.TaskReporter;
import dev.bgtasks.host.TaskResult;
import dev.bgtasks.host.TaskRunner;
import dev.bgtasks.task.ApplicationTriggerDetails;
import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.task.BackgroundTaskDeferral;
import dev.bgtasks.task.BackgroundTaskInstance;
import dev.bgtasks.task.BackgroundWorkCost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a {@link BackgroundTask} in the test's own JVM, with no broker, as the task host would run it: the same
 * instance semantics (the task host's own {@code TaskRunner}: deferrals, one cancellation, results checked by the
 * argument codec), with what the task does recorded for the test. Arguments go in as {@code requestAsync} would pass
 * them (validated and deep-copied, SPEC T6); progress, the deferral, the result map, a retry request and the
 * completion come out; the test cancels when it likes.
 *
 * <pre>{@code
 * try (TaskRun run = TaskRun.of(SyncTask.class).arguments(Map.of("folder", dir.toString(), "files", 4)).start()) {
 *     run.awaitProgress(50, Duration.ofSeconds(5));
 *     run.cancel(BackgroundTaskCancellationReason.ABORT);
 *     TaskRun.Completion done = run.awaitCompletion(Duration.ofSeconds(5));
 *     assertThat(done.succeeded()).isTrue();
 *     assertThat(run.progress()).containsExactly(25, 50);
 * }
 * }</pre>
 *
 * <p>{@code run} is called on a thread of its own, so the test can watch and cancel meanwhile; {@link #close()}
 * interrupts that thread if the task has not completed. Thread-safe.
 */
public final class TaskRun implements AutoCloseable {
    private final UUID instanceId = UUID.randomUUID();
    private final UUID taskId = UUID.randomUUID();
    private final List<Integer> progress = new CopyOnWriteArrayList<>();
    private final AtomicReference<Map<String, Object>> result = new AtomicReference<>(Map.of());
    private final AtomicBoolean deferralTaken = new AtomicBoolean();
    private final AtomicBoolean deferralCompleted = new AtomicBoolean();
    private final AtomicBoolean runReturned = new AtomicBoolean();
    private final AtomicReference<BackgroundTaskCancellationReason> cancelledWith = new AtomicReference<>();
    private final CompletableFuture<Completion> completion = new CompletableFuture<>();
    private final TaskRunner runner;
    private final Thread thread;
    private volatile BackgroundWorkCost workCost;

    private TaskRun(BackgroundTask task, Map<String, ?> arguments, BackgroundWorkCost workCost) {
        this.workCost = workCost;
        this.runner = new TaskRunner(new Recorder(), instanceId, taskId,
                new ApplicationTriggerDetails(ValueMapCodec.deepCopy(arguments)), () -> this.workCost);
        BackgroundTask observed = instance -> {
            try {
                task.run(new Observed(instance));
            } finally {
                runReturned.set(true);
            }
        };
        this.thread = new Thread(() -> runner.run(observed), "bgtasks-test-task-" + instanceId);
        thread.setDaemon(true);
    }

    /**
     * A run of a task class, created as the task host creates it: through its public no-argument constructor.
     *
     * @param taskClass the entry point class
     * @return a builder for the run
     * @throws IllegalArgumentException when the class cannot be created that way
     */
    public static Builder of(Class<? extends BackgroundTask> taskClass) {
        Objects.requireNonNull(taskClass, "taskClass");
        try {
            return new Builder(taskClass.getConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(taskClass.getName()
                    + " cannot be created by the task host: it needs a public no-argument constructor", e);
        }
    }

    /**
     * A run of a task object the test made.
     *
     * @param task the task
     * @return a builder for the run
     */
    public static Builder of(BackgroundTask task) {
        return new Builder(Objects.requireNonNull(task, "task"));
    }

    /** {@return the fake instance's id} */
    public UUID instanceId() {
        return instanceId;
    }

    /** {@return every progress value the task set, in order (SPEC X2)} */
    public List<Integer> progress() {
        return List.copyOf(progress);
    }

    /**
     * Waits until the task has set a progress of at least {@code percent}.
     *
     * @param percent 0 to 100
     * @param timeout how long to wait
     * @throws AssertionError when it did not within {@code timeout}, or the run completed first
     * @throws InterruptedException when the test's thread is interrupted while it waits
     */
    public void awaitProgress(int percent, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (progress.stream().noneMatch(p -> p >= percent)) {
                long left = end - System.nanoTime();
                if (left <= 0 || completion.isDone()) {
                    throw new AssertionError("the task set no progress of " + percent + " or more within " + timeout
                            + "; it set " + progress + (completion.isDone() ? " and completed" : ""));
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
    }

    /** {@return the result map the task set last, empty while it set none (SPEC P2)} */
    public Map<String, Object> result() {
        return result.get();
    }

    /** {@return whether the task took its deferral (SPEC X3)} */
    public boolean deferralTaken() {
        return deferralTaken.get();
    }

    /** {@return whether {@code run} has returned (or thrown) while the deferral it took is still open (SPEC X3)} */
    public boolean waitingForDeferral() {
        return runReturned.get() && deferralTaken.get() && !deferralCompleted.get() && !completion.isDone();
    }

    /** {@return whether the task asked for another attempt (SPEC P1)} */
    public boolean retryRequested() {
        return completion.isDone() ? completion.join().retryRequested() : false;
    }

    /**
     * Changes what {@code backgroundWorkCost()} answers from now on.
     *
     * @param cost the cost
     */
    public void setBackgroundWorkCost(BackgroundWorkCost cost) {
        this.workCost = Objects.requireNonNull(cost, "cost");
    }

    /**
     * Cancels the instance as the broker would: its {@code onCanceled} listeners run on this thread, once (SPEC X6).
     *
     * @param reason the reason the listeners get
     * @return false when it was already cancelled
     */
    public boolean cancel(BackgroundTaskCancellationReason reason) {
        Objects.requireNonNull(reason, "reason");
        // Recorded before the listeners run: the task may complete on its thread before cancel returns here.
        if (!cancelledWith.compareAndSet(null, reason)) {
            return false;
        }
        return runner.cancel(reason);
    }

    /** {@return whether the instance has completed: {@code run} returned and its deferral completed, or it threw} */
    public boolean isCompleted() {
        return completion.isDone();
    }

    /**
     * Waits for the instance to complete.
     *
     * @param timeout how long to wait
     * @return how it ended
     * @throws AssertionError when it did not complete within {@code timeout} (saying whether a deferral is open)
     * @throws InterruptedException when the test's thread is interrupted while it waits
     */
    public Completion awaitCompletion(Duration timeout) throws InterruptedException {
        try {
            return completion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the task did not complete within " + timeout
                    + (waitingForDeferral() ? ": run returned, but its deferral is still open"
                            : runReturned.get() ? "" : ": run has not returned"));
        } catch (ExecutionException e) {
            throw new IllegalStateException("the task runner failed", e.getCause());
        }
    }

    /** Interrupts the task's thread if it has not completed. */
    @Override
    public void close() {
        if (!completion.isDone()) {
            thread.interrupt();
        }
    }

    /**
     * How the instance ended, as the broker would record it from the task host's report.
     *
     * @param succeeded whether {@code run} returned (a cancellation the task honoured counts)
     * @param errorClass the class of what {@code run} threw, else null
     * @param errorMessage its message, else null
     * @param result the result map the task set last; empty when none
     * @param retryRequested the task asked for another attempt (SPEC P1)
     * @param cancelReason the cancellation the test sent, else null
     */
    public record Completion(boolean succeeded, String errorClass, String errorMessage, Map<String, Object> result,
                             boolean retryRequested, BackgroundTaskCancellationReason cancelReason) {
    }

    /** What a test sets before the run starts. */
    public static final class Builder {
        private final BackgroundTask task;
        private Map<String, ?> arguments = Map.of();
        private BackgroundWorkCost workCost = BackgroundWorkCost.LOW;

        private Builder(BackgroundTask task) {
            this.task = task;
        }

        /**
         * The trigger's arguments, checked and copied as {@code requestAsync} does (SPEC T6).
         *
         * @param values the arguments
         * @return this builder
         * @throws IllegalArgumentException for a value {@code requestAsync} would refuse
         */
        public Builder arguments(Map<String, ?> values) {
            ValueMapCodec.encode(values);
            this.arguments = values;
            return this;
        }

        /**
         * What {@code backgroundWorkCost()} answers at first; {@code LOW} by default.
         *
         * @param cost the cost
         * @return this builder
         */
        public Builder backgroundWorkCost(BackgroundWorkCost cost) {
            this.workCost = Objects.requireNonNull(cost, "cost");
            return this;
        }

        /** {@return the run, started on a thread of its own} */
        public TaskRun start() {
            TaskRun run = new TaskRun(task, arguments, workCost);
            run.thread.start();
            return run;
        }

        /**
         * Starts the run and waits for it to complete.
         *
         * @param timeout how long to wait
         * @return the completed run, to read its progress and result
         * @throws InterruptedException when the test's thread is interrupted while it waits
         */
        public TaskRun run(Duration timeout) throws InterruptedException {
            TaskRun run = start();
            run.awaitCompletion(timeout);
            return run;
        }
    }

    /** Records what the task host would send to the broker. */
    private final class Recorder implements TaskReporter {
        @Override
        public void progress(int value) {
            synchronized (progress) {
                progress.add(value);
                progress.notifyAll();
            }
        }

        @Override
        public void result(byte[] encoded) {
            result.set(ValueMapCodec.decode(encoded));
        }

        @Override
        public void completed(TaskResult outcome) {
            completion.complete(new Completion(outcome.succeeded(), outcome.errorClass(), outcome.errorMessage(),
                    result.get(), outcome.retryRequested(), cancelledWith.get()));
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /** The runner's instance, with its deferral watched. */
    private final class Observed implements BackgroundTaskInstance {
        private final BackgroundTaskInstance delegate;
        private BackgroundTaskDeferral deferral;

        Observed(BackgroundTaskInstance delegate) {
            this.delegate = delegate;
        }

        @Override
        public UUID instanceId() {
            return delegate.instanceId();
        }

        @Override
        public UUID taskId() {
            return delegate.taskId();
        }

        @Override
        public ApplicationTriggerDetails triggerDetails() {
            return delegate.triggerDetails();
        }

        @Override
        public void setProgress(int value) {
            delegate.setProgress(value);
        }

        @Override
        public int progress() {
            return delegate.progress();
        }

        @Override
        public void setResult(Map<String, ?> values) {
            delegate.setResult(values);
        }

        @Override
        public void requestRetry() {
            delegate.requestRetry();
        }

        @Override
        public synchronized BackgroundTaskDeferral getDeferral() {
            if (deferral == null) {
                BackgroundTaskDeferral real = delegate.getDeferral();
                deferralTaken.set(true);
                // The same one on every call, as the runner's (SPEC X3).
                deferral = () -> {
                    deferralCompleted.set(true);
                    real.complete();
                };
            }
            return deferral;
        }

        @Override
        public AutoCloseable onCanceled(Consumer<BackgroundTaskCancellationReason> listener) {
            return delegate.onCanceled(listener);
        }

        @Override
        public BackgroundWorkCost backgroundWorkCost() {
            return delegate.backgroundWorkCost();
        }
    }
}
