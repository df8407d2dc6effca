package dev.bgtasks.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.bgtasks.task.ApplicationTriggerDetails;
import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.task.BackgroundTaskDeferral;
import dev.bgtasks.task.BackgroundTaskInstance;
import dev.bgtasks.task.BackgroundWorkCost;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.InOrder;

/** Waits use latches and futures with deadlines, never sleeps: a deadline only bounds a failing test. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskRunnerTest {
    private static final long DEADLINE_SECONDS = 10;

    private final TaskReporter reporter = mock(TaskReporter.class);
    private final UUID instanceId = UUID.randomUUID();
    private final UUID taskId = UUID.randomUUID();
    private final ApplicationTriggerDetails details = new ApplicationTriggerDetails(Map.of("file", "a.txt"));
    private final AtomicReference<BackgroundWorkCost> cost = new AtomicReference<>(BackgroundWorkCost.LOW);
    private final TaskRunner runner = new TaskRunner(reporter, instanceId, taskId, details, cost::get);

    // --- completion (SPEC X3, X4) ---

    @Test
    void runWithoutDeferralReportsSuccessOnce() {
        // SPEC X3: run returned and no deferral was taken, so the instance completes at once, exactly once.
        TaskResult result = runner.run(task -> { });

        assertThat(result.succeeded()).isTrue();
        verify(reporter, times(1)).completed(TaskResult.success());
        verify(reporter, never()).progress(anyInt());
    }

    @Test
    void openDeferralKeepsRunBlockedUntilCompletedFromAnotherThread() throws Exception {
        // SPEC X3: not complete while a deferral is open; a deferral completed on another thread unblocks run;
        // extra complete() calls are no-ops and Completed is reported exactly once.
        CompletableFuture<BackgroundTaskDeferral> taken = new CompletableFuture<>();
        Running running = startRun(task -> taken.complete(task.getDeferral()));
        BackgroundTaskDeferral deferral = await(taken);

        awaitParked(running.thread());
        assertThat(running.result()).isNotDone();
        verify(reporter, never()).completed(any());

        deferral.complete();
        assertThat(await(running.result()).succeeded()).isTrue();
        deferral.complete();
        deferral.complete();

        verify(reporter, times(1)).completed(TaskResult.success());
    }

    @Test
    void twoDeferralsMustBothComplete() throws Exception {
        // SPEC X3: every deferral taken must be completed, in any order.
        CompletableFuture<List<BackgroundTaskDeferral>> taken = new CompletableFuture<>();
        Running running = startRun(task -> taken.complete(List.of(task.getDeferral(), task.getDeferral())));
        List<BackgroundTaskDeferral> deferrals = await(taken);

        deferrals.get(1).complete();
        deferrals.get(1).complete(); // a no-op must not count for the other deferral
        awaitParked(running.thread());
        assertThat(running.result()).isNotDone();

        deferrals.get(0).complete();
        assertThat(await(running.result()).succeeded()).isTrue();
        verify(reporter, times(1)).completed(TaskResult.success());
    }

    @Test
    void deferralMayBeTakenAfterRunWhileAnotherIsOpen() throws Exception {
        // SPEC X3: the instance is still running while a deferral is open, so more work may be deferred.
        CompletableFuture<BackgroundTaskInstance> instance = new CompletableFuture<>();
        CompletableFuture<BackgroundTaskDeferral> first = new CompletableFuture<>();
        Running running = startRun(task -> {
            instance.complete(task);
            first.complete(task.getDeferral());
        });
        awaitParked(running.thread());

        BackgroundTaskDeferral second = await(instance).getDeferral();
        await(first).complete();
        awaitParked(running.thread());
        assertThat(running.result()).isNotDone();

        second.complete();
        assertThat(await(running.result()).succeeded()).isTrue();
        verify(reporter, times(1)).completed(TaskResult.success());
    }

    @Test
    void takingDeferralAfterCompletionThrows() {
        // SPEC X3: once completed the instance cannot be reopened.
        BackgroundTaskInstance instance = runToCompletion();

        assertThatThrownBy(instance::getDeferral)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("completed");
        verify(reporter, times(1)).completed(any());
    }

    @Test
    void runThrowingFailsWithoutWaitingForDeferrals() throws Exception {
        // SPEC X4: the task's exception class and message are carried; SPEC X3: a failed run does not wait.
        AtomicReference<BackgroundTaskDeferral> deferral = new AtomicReference<>();
        AtomicReference<BackgroundTaskInstance> instance = new AtomicReference<>();
        Running running = startRun(task -> {
            instance.set(task);
            deferral.set(task.getDeferral());
            throw new IOException("disk gone");
        });

        TaskResult result = await(running.result());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.errorClass()).isEqualTo(IOException.class.getName());
        assertThat(result.errorMessage()).isEqualTo("disk gone");
        verify(reporter, times(1)).completed(result);

        deferral.get().complete(); // late completion of an abandoned deferral is a no-op
        assertThatThrownBy(instance.get()::getDeferral).isInstanceOf(IllegalStateException.class);
        verify(reporter, times(1)).completed(any());
    }

    @Test
    void errorFromRunIsReportedAndReturned() {
        // SPEC X4 and X10: even an OutOfMemoryError reaches the app as the task's failure.
        TaskResult result = runner.run(task -> {
            throw new OutOfMemoryError("Java heap space");
        });

        assertThat(result.errorClass()).isEqualTo(OutOfMemoryError.class.getName());
        assertThat(result.errorMessage()).isEqualTo("Java heap space");
        verify(reporter, times(1)).completed(result);
    }

    @Test
    void interruptWhileWaitingFailsAndKeepsInterruptFlag() throws Exception {
        // SPEC X3: Completed fires once even when the host gives up on open deferrals.
        CompletableFuture<BackgroundTaskDeferral> taken = new CompletableFuture<>();
        Running running = startRun(task -> taken.complete(task.getDeferral()));
        BackgroundTaskDeferral deferral = await(taken);
        awaitParked(running.thread());

        running.thread().interrupt();

        TaskResult result = await(running.result());
        assertThat(result.errorClass()).isEqualTo(InterruptedException.class.getName());
        assertThat(result.errorMessage()).contains("1 open deferral");
        assertThat(await(running.interruptedAfterRun())).isTrue();
        deferral.complete();
        verify(reporter, times(1)).completed(result);
    }

    @Test
    void runnerRunsOnlyOnce() {
        // SPEC X3: one runner is one instance; a second run would report a second completion.
        runner.run(task -> { });

        assertThatThrownBy(() -> runner.run(task -> { })).isInstanceOf(IllegalStateException.class);
        verify(reporter, times(1)).completed(any());
    }

    // --- cancellation (SPEC X6) ---

    @Test
    void cancelFiresEachListenerOnceWithOneReason() {
        // SPEC X6: Canceled fires at most once per instance with one reason; a second cancel fires nothing.
        BackgroundTaskInstance instance = runToCompletion();
        List<BackgroundTaskCancellationReason> first = recorder();
        List<BackgroundTaskCancellationReason> second = recorder();
        instance.onCanceled(first::add);
        instance.onCanceled(second::add);

        assertThat(runner.cancel(BackgroundTaskCancellationReason.CONDITION_LOSS)).isTrue();
        assertThat(runner.cancel(BackgroundTaskCancellationReason.ABORT)).isFalse();
        assertThat(runner.cancel(BackgroundTaskCancellationReason.CONDITION_LOSS)).isFalse();

        assertThat(first).containsExactly(BackgroundTaskCancellationReason.CONDITION_LOSS);
        assertThat(second).containsExactly(BackgroundTaskCancellationReason.CONDITION_LOSS);
    }

    @Test
    void lateListenerGetsRecordedReasonAtOnce() {
        // SPEC X6: a listener added after the cancellation is called at once with that reason.
        BackgroundTaskInstance instance = runToCompletion();
        runner.cancel(BackgroundTaskCancellationReason.ENERGY_SAVER);
        List<BackgroundTaskCancellationReason> late = recorder();

        instance.onCanceled(late::add);

        assertThat(late).containsExactly(BackgroundTaskCancellationReason.ENERGY_SAVER);
    }

    @Test
    void throwingListenerDoesNotStopOthers() {
        // SPEC X6: every listener hears the one Canceled event, whatever another one does.
        BackgroundTaskInstance instance = runToCompletion();
        List<BackgroundTaskCancellationReason> before = recorder();
        List<BackgroundTaskCancellationReason> after = recorder();
        instance.onCanceled(before::add);
        instance.onCanceled(reason -> {
            throw new IllegalStateException("listener bug");
        });
        instance.onCanceled(after::add);

        assertThat(runner.cancel(BackgroundTaskCancellationReason.ABORT)).isTrue();

        assertThat(before).containsExactly(BackgroundTaskCancellationReason.ABORT);
        assertThat(after).containsExactly(BackgroundTaskCancellationReason.ABORT);
    }

    @Test
    void closedSubscriptionIsNotCalled() throws Exception {
        // SPEC X6: closing the subscription removes the listener.
        BackgroundTaskInstance instance = runToCompletion();
        List<BackgroundTaskCancellationReason> closed = recorder();
        List<BackgroundTaskCancellationReason> open = recorder();
        AutoCloseable subscription = instance.onCanceled(closed::add);
        instance.onCanceled(open::add);

        subscription.close();
        runner.cancel(BackgroundTaskCancellationReason.TERMINATING);

        assertThat(closed).isEmpty();
        assertThat(open).containsExactly(BackgroundTaskCancellationReason.TERMINATING);
    }

    @Test
    void cancelListenerCompletingDeferralEndsRun() throws Exception {
        // SPEC X6 with X3: the usual shutdown path, a task that stops its deferred work when cancelled.
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        Running running = startRun(task -> {
            BackgroundTaskDeferral deferral = task.getDeferral();
            task.onCanceled(reason -> deferral.complete());
            subscribed.complete(null);
        });
        await(subscribed);
        awaitParked(running.thread());

        assertThat(runner.cancel(BackgroundTaskCancellationReason.EXECUTION_TIME_EXCEEDED)).isTrue();

        assertThat(await(running.result()).succeeded()).isTrue();
        verify(reporter, times(1)).completed(TaskResult.success());
    }

    // --- progress (SPEC X2) ---

    @Test
    void progressIsReportedInOrder() {
        // SPEC X2: every value set is reported, in order.
        BackgroundTaskInstance[] seen = new BackgroundTaskInstance[1];
        runner.run(task -> {
            seen[0] = task;
            task.setProgress(0);
            task.setProgress(50);
            task.setProgress(20);
            task.setProgress(100);
        });

        InOrder order = inOrder(reporter);
        order.verify(reporter).progress(0);
        order.verify(reporter).progress(50);
        order.verify(reporter).progress(20);
        order.verify(reporter).progress(100);
        order.verify(reporter).completed(TaskResult.success());
        assertThat(seen[0].progress()).isEqualTo(100);
    }

    @Test
    void progressOutOfRangeIsRejected() {
        // SPEC X2: progress is 0 to 100; anything else is the task's bug, reported to it and not to the app.
        runner.run(task -> {
            task.setProgress(30);
            assertThatThrownBy(() -> task.setProgress(101))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("101");
            assertThatThrownBy(() -> task.setProgress(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
            assertThat(task.progress()).isEqualTo(30);
        });

        verify(reporter, times(1)).progress(anyInt());
        verify(reporter).progress(30);
    }

    @Test
    void concurrentProgressLeavesLastReportedAsCurrent() throws Exception {
        // SPEC X2: values reach the reporter in the order they were set, even from several threads.
        List<Integer> reported = Collections.synchronizedList(new ArrayList<>());
        doAnswer(call -> reported.add(call.getArgument(0))).when(reporter).progress(anyInt());
        CompletableFuture<BackgroundTaskInstance> instance = new CompletableFuture<>();
        CompletableFuture<BackgroundTaskDeferral> deferral = new CompletableFuture<>();
        Running running = startRun(task -> {
            instance.complete(task);
            deferral.complete(task.getDeferral());
        });
        BackgroundTaskInstance task = await(instance);

        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t;
            writers.add(CompletableFuture.runAsync(() -> {
                awaitLatch(go);
                for (int v = base; v <= 100; v += 4) {
                    task.setProgress(v);
                }
            }));
        }
        go.countDown();
        await(CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)));

        assertThat(reported).hasSize(101);
        assertThat(task.progress()).isEqualTo(reported.get(reported.size() - 1));
        await(deferral).complete();
        await(running.result());
    }

    @Test
    void progressAfterCompletionIsNotReported() {
        // SPEC X2 with X3: nothing reaches app listeners after Completed.
        BackgroundTaskInstance instance = runToCompletion();

        instance.setProgress(70);

        assertThat(instance.progress()).isEqualTo(70);
        verify(reporter, never()).progress(anyInt());
    }

    // --- what the instance carries (SPEC T6, enums) ---

    @Test
    void instanceExposesWhatTheRunnerWasGiven() {
        // SPEC T6: the trigger details reach the task; SPEC enums: the work cost is read live.
        BackgroundTaskInstance instance = runToCompletion();

        assertThat(instance.instanceId()).isEqualTo(instanceId);
        assertThat(instance.taskId()).isEqualTo(taskId);
        assertThat(instance.triggerDetails()).isSameAs(details);
        assertThat(instance.backgroundWorkCost()).isEqualTo(BackgroundWorkCost.LOW);
        cost.set(BackgroundWorkCost.HIGH);
        assertThat(instance.backgroundWorkCost()).isEqualTo(BackgroundWorkCost.HIGH);
    }

    // --- helpers ---

    private record Running(Thread thread, CompletableFuture<TaskResult> result,
            CompletableFuture<Boolean> interruptedAfterRun) {
    }

    /** Runs on a thread of its own, so the test can see it parked and interrupt it. */
    private Running startRun(BackgroundTask task) {
        CompletableFuture<TaskResult> result = new CompletableFuture<>();
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                TaskResult r = runner.run(task);
                interrupted.complete(Thread.currentThread().isInterrupted());
                result.complete(r);
            } catch (Throwable t) {
                result.completeExceptionally(t);
                interrupted.completeExceptionally(t);
            }
        }, "task-runner-test");
        thread.setDaemon(true);
        thread.start();
        return new Running(thread, result, interrupted);
    }

    private BackgroundTaskInstance runToCompletion() {
        AtomicReference<BackgroundTaskInstance> instance = new AtomicReference<>();
        assertThat(runner.run(instance::set).succeeded()).isTrue();
        return instance.get();
    }

    /**
     * Waits until the run thread is parked (waiting on its deferrals) or gone. A parked thread stays parked until
     * signalled, so checking the result afterwards is not a race.
     */
    private static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TERMINATED) {
            if (System.nanoTime() > deadline) {
                fail("run thread never parked; state " + thread.getState());
            }
            Thread.onSpinWait();
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<BackgroundTaskCancellationReason> recorder() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    // --- results (SPEC P2) ---

    @Test
    void setResultReportsTheEncodedMapAndTheLastOneCounts() { // SPEC P2
        List<byte[]> sent = new ArrayList<>();
        doAnswer(call -> sent.add(call.getArgument(0))).when(reporter).result(any());
        runner.run(task -> {
            task.setResult(Map.of("rows", 1));
            task.setResult(Map.of("rows", 2L));
        });
        assertThat(sent).hasSize(2);
        assertThat(dev.bgtasks.arguments.ValueMapCodec.decode(sent.get(1))).containsExactlyEntriesOf(Map.of("rows", 2L));
    }

    @Test
    void setResultRefusesWhatArgumentsRefuseAtTheTasksOwnCall() { // SPEC P2, T6
        List<Throwable> refused = new ArrayList<>();
        runner.run(task -> {
            try {
                task.setResult(Map.of("thread", Thread.currentThread()));
            } catch (IllegalArgumentException e) {
                refused.add(e);
            }
            try {
                task.setResult(Map.of("big", new byte[dev.bgtasks.arguments.ValueMapCodec.MAX_ENCODED_BYTES]));
            } catch (IllegalArgumentException e) {
                refused.add(e);
            }
        });
        assertThat(refused).hasSize(2);
        verify(reporter, never()).result(any());
    }

    @Test
    void setResultAfterCompletionThrows() { // SPEC P2, X3
        AtomicReference<BackgroundTaskInstance> kept = new AtomicReference<>();
        runner.run(kept::set);
        assertThatThrownBy(() -> kept.get().setResult(Map.of("late", true)))
                .isInstanceOf(IllegalStateException.class);
        verify(reporter, never()).result(any());
    }

    @Test
    void requestRetryRidesOnTheCompletion() { // SPEC P1
        TaskResult result = runner.run(BackgroundTaskInstance::requestRetry);
        assertThat(result.retryRequested()).isTrue();
        verify(reporter).completed(TaskResult.success().withRetryRequested());
    }
}
