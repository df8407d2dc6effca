package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SPEC rules a cold start meets, met by a start on a standby host too (SPEC W1): each test runs with standbys
 * off (every instance starts cold) and on (the instance under test is handed to a standby). Each first runs one
 * instance to its end, which leaves a standby when they are on.
 */
class StandbyParityTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;
    private final List<BackgroundTaskCompletedEventArgs> completions = new CopyOnWriteArrayList<>();
    private final List<AppEvent.Canceled> cancellations = new CopyOnWriteArrayList<>();
    private boolean standbys;

    private void start(boolean withStandbys) {
        standbys = withStandbys;
        h = new BrokerHarness(dir, b -> b.standbys(withStandbys ? 2 : 0)).playStandbyHosts(true);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
        h.broker().subscribe(APP, e -> {
            if (e instanceof AppEvent.Canceled c) {
                cancellations.add(c);
            }
        });
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private void javaTask(BackgroundTaskBuilder builder) {
        builder.name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .setTrigger(bg.applicationTrigger()).register().onCompleted(completions::add);
    }

    /** One instance run to its end; with standbys on, the standby it leaves is up afterwards. */
    private void warmUp() {
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        h.succeed(h.processOf(running().instanceId()));
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(h.waitingStandbys()).hasSize(standbys ? 1 : 0);
        completions.clear();
    }

    private InstanceInfo running() {
        return h.broker().instances(APP).stream().filter(i -> i.state() == InstanceState.RUNNING).findFirst()
                .orElseThrow(() -> new AssertionError("nothing runs"));
    }

    /** The instance under test: started on the standby when standbys are on, cold when off. */
    private FakeProcess triggerAndRun() {
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        FakeProcess process = h.processOf(running().instanceId());
        assertThat(process.isStandby()).isEqualTo(standbys);
        return process;
    }

    @ParameterizedTest(name = "standbys {0}")
    @ValueSource(booleans = {false, true})
    void oneInstanceUnderConcurrentCallers(boolean withStandbys) throws Exception { // SPEC T4
        start(withStandbys);
        javaTask(bg.newTask());
        warmUp();
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<ApplicationTriggerResult>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return bg.applicationTrigger().requestAsync().join();
                }, pool));
            }
            go.countDown();
            List<ApplicationTriggerResult> answers = results.stream().map(CompletableFuture::join).toList();
            assertThat(answers).filteredOn(r -> r == ApplicationTriggerResult.ALLOWED).hasSize(1);
            assertThat(answers).filteredOn(r -> r == ApplicationTriggerResult.CURRENTLY_RUNNING).hasSize(callers - 1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(h.broker().instances(APP)).filteredOn(i -> i.state() == InstanceState.RUNNING).hasSize(1);
        assertThat(h.processOf(running().instanceId()).isStandby()).isEqualTo(withStandbys);
    }

    @ParameterizedTest(name = "standbys {0}")
    @ValueSource(booleans = {false, true})
    void unmetConditionsStillAllowAndTheRunStartsOnceWhenTheyHold(boolean withStandbys) { // SPEC T7
        start(withStandbys);
        javaTask(bg.newTask().addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE)));
        warmUp();
        h.platform.set(HostSignal.INTERNET, false);
        int launched = h.platform.processes().size();
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(h.platform.processes()).hasSize(launched);
        h.platform.set(HostSignal.INTERNET, true);
        FakeProcess process = h.processOf(running().instanceId());
        assertThat(process.isStandby()).isEqualTo(withStandbys);
        h.platform.set(HostSignal.INTERNET, false);
        h.platform.set(HostSignal.INTERNET, true);
        assertThat(h.broker().instances(APP)).filteredOn(i -> i.state() == InstanceState.RUNNING).hasSize(1);
        h.succeed(process);
        assertThat(completions).hasSize(1);
    }

    @ParameterizedTest(name = "standbys {0}")
    @ValueSource(booleans = {false, true})
    void theTaskRunsInItsSandboxWithItsLimits(boolean withStandbys) { // SPEC X1 (decision half), X10 heap
        start(withStandbys);
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(256L << 20).maxProcesses(64).build();
        javaTask(bg.newTask().limits(limits));
        warmUp();
        FakeProcess process = triggerAndRun();
        assertThat(process.limits()).isEqualTo(limits);
        assertThat(process.spec().command()).anyMatch(arg -> arg.startsWith("-Xmx"));
        assertThat(running().pid()).isEqualTo(process.pid());
    }

    @ParameterizedTest(name = "standbys {0}")
    @ValueSource(booleans = {false, true})
    void cancelFiresOnceAndATaskIgnoringItIsKilledAfterGrace(boolean withStandbys) { // SPEC X6
        start(withStandbys);
        javaTask(bg.newTask().cancellationGrace(Duration.ofSeconds(5)));
        warmUp();
        FakeProcess process = triggerAndRun();
        List<BackgroundTaskCancellationReason> toHost = new CopyOnWriteArrayList<>();
        if (withStandbys) {
            toHost = h.standbyHosts.get(process.pid()).cancels;
        } else {
            h.broker().attachHost(process.runToken(), toHost::add);
        }
        UUID id = running().instanceId();
        assertThat(h.broker().cancel(APP, id)).isTrue();
        assertThat(h.broker().cancel(APP, id)).isFalse();
        assertThat(toHost).containsExactly(BackgroundTaskCancellationReason.ABORT);
        assertThat(cancellations).singleElement().extracting(AppEvent.Canceled::reason)
                .isEqualTo(BackgroundTaskCancellationReason.ABORT);
        h.clock.advance(Duration.ofSeconds(5));
        assertThat(process.killCalls()).isEqualTo(1);
        assertThat(completions).singleElement().satisfies(e ->
                assertThat(e.terminationReason()).contains(TerminationReason.KILLED_AFTER_GRACE));
    }

    @ParameterizedTest(name = "standbys {0}")
    @ValueSource(booleans = {false, true})
    void outOfMemoryStopsWithoutCanceledAndSaysSo(boolean withStandbys) { // SPEC X10
        start(withStandbys);
        javaTask(bg.newTask().limits(ResourceLimits.builder().memoryBytes(64L << 20).build()));
        warmUp();
        triggerAndRun().outOfMemory(64L << 20);
        assertThat(cancellations).isEmpty();
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.terminationReason()).contains(TerminationReason.OUT_OF_MEMORY);
            assertThat(e.peakMemoryBytes()).hasValue(64L << 20);
        });
    }

    @ParameterizedTest(name = "standbys {0}")
    @ValueSource(booleans = {false, true})
    void theProcessLimitContainsAForkBomb(boolean withStandbys) { // SPEC X12 (decision half)
        start(withStandbys);
        javaTask(bg.newTask().limits(ResourceLimits.builder().maxProcesses(32).build()));
        warmUp();
        FakeProcess process = triggerAndRun();
        assertThat(process.limits().maxProcesses()).isEqualTo(32);
        process.processLimitHit();
        assertThat(completions).singleElement().satisfies(e ->
                assertThat(e.terminationReason()).contains(TerminationReason.PROCESS_LIMIT));
        // The broker answers on: the next trigger runs, on the next standby when they are on.
        h.clock.advance(Duration.ofSeconds(1));
        triggerAndRun();
    }

    @ParameterizedTest(name = "standbys {0}")
    @ValueSource(booleans = {false, true})
    void aRestartedBrokerReadoptsTheTaskAndNeverLaunchesItAgain(boolean withStandbys) { // SPEC B3, B6
        start(withStandbys);
        javaTask(bg.newTask());
        warmUp();
        FakeProcess process = triggerAndRun();
        UUID id = running().instanceId();
        long coldStarts = h.platform.processes().stream().filter(p -> !p.isStandby()).count();
        h.restart();
        h.broker().attachHost(process.runToken(), reason -> { });
        assertThat(h.platform.processes().stream().filter(p -> !p.isStandby()).count()).isEqualTo(coldStarts);
        h.succeed(process);
        assertThat(h.broker().instances(APP)).filteredOn(i -> i.instanceId().equals(id)).singleElement()
                .satisfies(i -> assertThat(i.outcome()).isEqualTo(TaskOutcome.SUCCEEDED));
    }

    @ParameterizedTest(name = "standbys {0}")
    @ValueSource(booleans = {false, true})
    void aTaskThatDoesNotReconnectIsRecordedLost(boolean withStandbys) { // SPEC B3
        start(withStandbys);
        javaTask(bg.newTask());
        warmUp();
        FakeProcess process = triggerAndRun();
        UUID id = running().instanceId();
        h.restart();
        h.clock.advance(Duration.ofSeconds(10));
        assertThat(process.isAlive()).isFalse();
        assertThat(h.broker().instances(APP)).filteredOn(i -> i.instanceId().equals(id)).singleElement()
                .satisfies(i -> assertThat(i.terminationReason()).isEqualTo(TerminationReason.BROKER_LOST));
    }
}
