package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC P3: {@code requestAsync(args, IfRunning)}. */
class IfRunningTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;
    private final List<BackgroundTaskCompletedEventArgs> completions = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        h = new BrokerHarness(dir);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
        bg.newTask().name("sync").command(List.of("/bin/true")).setTrigger(bg.applicationTrigger()).register()
                .onCompleted(completions::add);
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private TriggerResponse request(IfRunning ifRunning) {
        return bg.applicationTrigger().request(Map.of(), ifRunning).join();
    }

    private InstanceInfo instance(TriggerResponse response) {
        return bg.instances().stream().filter(i -> i.instanceId().equals(response.instanceId())).findFirst()
                .orElseThrow();
    }

    @Test
    void keepIsTheDefaultCurrentlyRunning() { // SPEC P3, T4
        request(IfRunning.KEEP);
        assertThat(request(IfRunning.KEEP).result()).isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
        assertThat(bg.applicationTrigger().requestAsync(Map.of()).join())
                .isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void replaceCancelsTheRunningInstanceWithAbortAndRunsTheNewOneAfterIt() { // SPEC P3
        TriggerResponse first = request(IfRunning.KEEP);
        FakeProcess running = h.platform.lastProcess();
        TriggerResponse second = request(IfRunning.REPLACE);
        assertThat(second.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(second.instanceId()).isNotEqualTo(first.instanceId());
        assertThat(instance(first).cancelReason()).isEqualTo(BackgroundTaskCancellationReason.ABORT);
        assertThat(instance(second).state()).isEqualTo(InstanceState.QUEUED);
        assertThat(h.platform.processes()).hasSize(1);

        running.exit(143); // the task stops on its cancellation
        assertThat(h.platform.processes()).hasSize(2);
        assertThat(instance(second).state()).isEqualTo(InstanceState.RUNNING);
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.instanceId()).isEqualTo(first.instanceId());
            assertThat(e.outcome()).isEqualTo(TaskOutcome.CANCELED);
        });
    }

    @Test
    void replaceOfAPendingInstanceCompletesItCancelledAtOnce() { // SPEC P3
        h.platform.set(dev.bgtasks.spi.HostSignal.ENERGY_SAVER, true);
        bg.executionManager().requestAccess().join();
        h.broker().setUserAccess(APP, UserAccessSetting.ALWAYS);
        h.platform.set(dev.bgtasks.spi.HostSignal.ENERGY_SAVER, false);
        bg.allTasks().values().forEach(r -> r.unregister(true));
        bg.newTask().name("sync").command(List.of("/bin/true")).setTrigger(bg.applicationTrigger())
                .addCondition(new SystemCondition(SystemConditionType.INTERNET_NOT_AVAILABLE)).register();
        TriggerResponse first = request(IfRunning.KEEP);
        TriggerResponse second = request(IfRunning.REPLACE);
        assertThat(second.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(instance(first).state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(instance(first).outcome()).isEqualTo(TaskOutcome.CANCELED);
        assertThat(instance(second).state()).isEqualTo(InstanceState.PENDING);
        assertThat(h.platform.processes()).isEmpty();
    }

    @Test
    void queueOneRunsOneMoreAfterTheCurrentAndNoMore() { // SPEC P3
        request(IfRunning.KEEP);
        FakeProcess running = h.platform.lastProcess();
        TriggerResponse queued = request(IfRunning.QUEUE_ONE);
        assertThat(queued.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(request(IfRunning.QUEUE_ONE).result()).isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
        assertThat(request(IfRunning.KEEP).result()).isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
        assertThat(instance(queued).state()).isEqualTo(InstanceState.QUEUED);
        assertThat(instance(queued).cancelReason()).isNull();

        h.succeed(running);
        assertThat(h.platform.processes()).hasSize(2);
        assertThat(instance(queued).state()).isEqualTo(InstanceState.RUNNING);
        h.succeed(h.platform.lastProcess());
        assertThat(h.platform.processes()).hasSize(2);
        assertThat(completions).hasSize(2).allSatisfy(e -> assertThat(e.outcome()).isEqualTo(TaskOutcome.SUCCEEDED));
    }

    @Test
    void aQueuedInstanceCanBeCancelledAndIsDiscardedByUnregister() { // SPEC P3, R8
        request(IfRunning.KEEP);
        TriggerResponse queued = request(IfRunning.QUEUE_ONE);
        assertThat(h.broker().cancel(APP, queued.instanceId())).isTrue();
        assertThat(instance(queued).outcome()).isEqualTo(TaskOutcome.CANCELED);
        TriggerResponse again = request(IfRunning.QUEUE_ONE);
        assertThat(again.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        bg.allTasks().values().forEach(r -> r.unregister(false));
        assertThat(instance(again).state()).isEqualTo(InstanceState.COMPLETED);
        h.succeed(h.platform.lastProcess());
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void queueOneUnderManyThreadsQueuesExactlyOne() throws Exception { // SPEC P3
        request(IfRunning.KEEP);
        int threads = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ApplicationTriggerResult>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return bg.applicationTrigger().requestAsync(Map.of(), IfRunning.QUEUE_ONE).join();
                }));
            }
            go.countDown();
            int allowed = 0;
            for (Future<ApplicationTriggerResult> answer : answers) {
                allowed += answer.get() == ApplicationTriggerResult.ALLOWED ? 1 : 0;
            }
            assertThat(allowed).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(bg.instances()).filteredOn(i -> i.state() == InstanceState.QUEUED).hasSize(1);
    }

    @Test
    void aQueuedInstanceSurvivesABrokerRestart() { // SPEC P3, T7
        request(IfRunning.KEEP);
        FakeProcess running = h.platform.lastProcess();
        TriggerResponse queued = request(IfRunning.QUEUE_ONE);
        bg.close();
        h.restart(); // the running command is re-adopted by its pid; the queued one still waits behind it
        bg = h.app(APP);
        assertThat(instance(queued).state()).isEqualTo(InstanceState.QUEUED);
        running.exit(0);
        assertThat(instance(queued).state()).isEqualTo(InstanceState.RUNNING);
        assertThat(h.platform.processes()).hasSize(2);
    }
}
