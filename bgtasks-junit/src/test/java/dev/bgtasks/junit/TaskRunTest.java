package dev.bgtasks.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.task.BackgroundTaskDeferral;
import dev.bgtasks.task.BackgroundTaskInstance;
import dev.bgtasks.task.BackgroundWorkCost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 16: a task's logic, unit-tested in the test's JVM through TaskRun, without a broker. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TaskRunTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Counts to its {@code files} argument, reporting progress and its result; stops when cancelled. */
    public static final class CountingTask implements BackgroundTask {
        @Override
        public void run(BackgroundTaskInstance task) throws InterruptedException {
            BackgroundTaskDeferral deferral = task.getDeferral();
            CountDownLatch cancelled = new CountDownLatch(1);
            task.onCanceled(reason -> cancelled.countDown());
            try {
                int files = (Integer) task.triggerDetails().arguments().get("files");
                long pause = ((Number) task.triggerDetails().arguments().getOrDefault("pauseMillis", 0)).longValue();
                int done = 0;
                for (int i = 1; i <= files; i++) {
                    if (cancelled.await(pause, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                    done = i;
                    task.setProgress(i * 100 / files);
                }
                task.setResult(Map.of("done", done, "cost", task.backgroundWorkCost().name()));
                if (done < files && task.backgroundWorkCost() == BackgroundWorkCost.HIGH) {
                    task.requestRetry();
                }
            } finally {
                deferral.complete();
            }
        }
    }

    @Test
    void argumentsGoInProgressAndResultComeOut() throws Exception { // SPEC T6, X2, P2
        TaskRun run = TaskRun.of(CountingTask.class).arguments(Map.of("files", 4)).run(WAIT);
        TaskRun.Completion done = run.awaitCompletion(WAIT);
        assertThat(done.succeeded()).isTrue();
        assertThat(run.progress()).containsExactly(25, 50, 75, 100);
        assertThat(done.result()).containsExactlyInAnyOrderEntriesOf(Map.of("done", 4, "cost", "LOW"));
        assertThat(run.deferralTaken()).isTrue();
        assertThat(done.retryRequested()).isFalse();
    }

    @Test
    void aCancellationReachesTheTaskOnceAndARetryRequestIsSeen() throws Exception { // SPEC X6, P1
        try (TaskRun run = TaskRun.of(new CountingTask()).arguments(Map.of("files", 1000, "pauseMillis", 20))
                .backgroundWorkCost(BackgroundWorkCost.HIGH).start()) {
            run.awaitProgress(1, WAIT);
            assertThat(run.cancel(BackgroundTaskCancellationReason.ENERGY_SAVER)).isTrue();
            assertThat(run.cancel(BackgroundTaskCancellationReason.ABORT)).isFalse();
            TaskRun.Completion done = run.awaitCompletion(WAIT);
            assertThat(done.cancelReason()).isEqualTo(BackgroundTaskCancellationReason.ENERGY_SAVER);
            assertThat((Integer) done.result().get("done")).isBetween(1, 999);
            assertThat(done.retryRequested()).isTrue();
        }
    }

    @Test
    void anOpenDeferralKeepsTheInstanceFromCompleting() throws Exception { // SPEC X3
        BackgroundTaskDeferral[] kept = new BackgroundTaskDeferral[1];
        try (TaskRun run = TaskRun.of(task -> kept[0] = task.getDeferral()).start()) {
            assertThatThrownBy(() -> run.awaitCompletion(Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("deferral is still open");
            assertThat(run.waitingForDeferral()).isTrue();
            kept[0].complete();
            assertThat(run.awaitCompletion(WAIT).succeeded()).isTrue();
        }
    }

    @Test
    void whatRunThrowsIsTheFailureAndBadValuesAreRefusedAsTheBrokerWould() throws Exception { // SPEC X4, T6, P2
        TaskRun.Completion failed = TaskRun.of(task -> {
            throw new IllegalStateException("disk full");
        }).run(WAIT).awaitCompletion(WAIT);
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(failed.errorMessage()).isEqualTo("disk full");

        assertThatThrownBy(() -> TaskRun.of(CountingTask.class).arguments(Map.of("thread", Thread.currentThread())))
                .isInstanceOf(IllegalArgumentException.class);
        TaskRun.Completion badResult = TaskRun.of(task -> task.setResult(Map.of("list", List.of(new Object()))))
                .run(WAIT).awaitCompletion(WAIT);
        assertThat(badResult.errorClass()).isEqualTo(IllegalArgumentException.class.getName());
    }
}
