package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;
    private final List<BackgroundTaskCompletedEventArgs> completions = new ArrayList<>();
    private final List<BackgroundTaskProgressEventArgs> progress = new ArrayList<>();
    private final List<AppEvent.Canceled> cancellations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
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

    private BackgroundTaskRegistration javaTask(BackgroundTaskBuilder builder) {
        BackgroundTaskRegistration reg = builder.name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .setTrigger(bg.applicationTrigger()).register();
        reg.onCompleted(completions::add);
        reg.onProgress(progress::add);
        return reg;
    }

    private BackgroundTaskRegistration javaTask() {
        return javaTask(bg.newTask());
    }

    private BackgroundTaskRegistration commandTask(BackgroundTaskBuilder builder) {
        BackgroundTaskRegistration reg = builder.name("rsync").command(List.of("/bin/sleep", "60"))
                .setTrigger(bg.applicationTrigger()).register();
        reg.onCompleted(completions::add);
        return reg;
    }

    private FakeProcess trigger() {
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return h.platform.lastProcess();
    }

    @Test
    void theTaskRunsAsItsOwnProcessWithTokenAndLimits() { // SPEC X1 (decision half), S2, X10 heap
        javaTask(bg.newTask().limits(ResourceLimits.builder().memoryBytes(256L << 20).build()));
        FakeProcess process = trigger();
        assertThat(process.spec().environment()).containsKey("BGTASKS_RUN_TOKEN");
        assertThat(process.spec().command()).contains("dev.bgtasks.host.TaskHost", SampleTasks.Valid.class.getName())
                .contains("-Xmx160m");
        assertThat(process.limits().memoryBytes()).isEqualTo(256L << 20);
        assertThat(process.spec().command().toString()).doesNotContain(process.runToken());
    }

    @Test
    void progressReachesEveryListenerInOrder() { // SPEC X2
        BackgroundTaskRegistration reg = javaTask();
        List<Integer> second = new ArrayList<>();
        reg.onProgress(e -> second.add(e.progress()));
        FakeProcess process = trigger();
        for (int p : new int[] {10, 20, 20, 55, 100}) {
            h.progress(process, p);
        }
        assertThat(progress).extracting(BackgroundTaskProgressEventArgs::progress).containsExactly(10, 20, 20, 55, 100);
        assertThat(progress).extracting(BackgroundTaskProgressEventArgs::instanceId)
                .containsOnly(bg.instances().get(0).instanceId());
        assertThat(second).containsExactly(10, 20, 20, 55, 100);
        assertThat(bg.instances().get(0).progress()).isEqualTo(100);
    }

    @Test
    void progressNeedsTheRunTokenAndAValidValue() { // SPEC S2, X2
        javaTask();
        FakeProcess process = trigger();
        assertThatThrownBy(() -> h.broker().reportProgress("forged-token", 50))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.progress(process, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.broker().attachHost("forged-token", r -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(progress).isEmpty();
    }

    @Test
    void completedFiresExactlyOnceOnSuccess() throws Exception { // SPEC X3, X4
        javaTask();
        FakeProcess process = trigger();
        h.succeed(process);
        process.exit(0);
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
            e.checkResult();
        });
        assertThat(bg.instances().get(0).state()).isEqualTo(InstanceState.COMPLETED);
    }

    @Test
    void checkResultCarriesTheTasksException() { // SPEC X4
        javaTask();
        h.fail(trigger(), new IOException("disk gone"));
        assertThat(completions).singleElement().satisfies(e ->
                assertThatThrownBy(e::checkResult).isInstanceOf(BackgroundTaskFailedException.class)
                        .hasMessageContaining("java.io.IOException").hasMessageContaining("disk gone")
                        .satisfies(f -> assertThat(((BackgroundTaskFailedException) f).taskExceptionClass())
                                .contains("java.io.IOException")));
    }

    @Test
    void checkResultThrowsForAbnormalExitAndForAKill() { // SPEC X4
        commandTask(bg.newTask());
        trigger().exit(3);
        trigger().kill();
        assertThat(completions).hasSize(2);
        assertThatThrownBy(completions.get(0)::checkResult).hasMessageContaining("exited with code 3");
        assertThat(completions.get(1).terminationReason()).contains(TerminationReason.KILLED);
        assertThatThrownBy(completions.get(1)::checkResult).isInstanceOf(BackgroundTaskFailedException.class);
    }

    @Test
    void aJavaHostThatExitsWithoutAResultFailed() { // SPEC X4
        javaTask();
        trigger().exit(0);
        assertThatThrownBy(completions.get(0)::checkResult).hasMessageContaining("without reporting a result");
    }

    @Test
    void cancelFiresOnceAndACancellationWithinGraceIsNoFailure() throws Exception { // SPEC X6, X4
        javaTask();
        FakeProcess process = trigger();
        List<BackgroundTaskCancellationReason> toHost = new ArrayList<>();
        h.broker().attachHost(process.runToken(), toHost::add);
        var instanceId = bg.instances().get(0).instanceId();

        assertThat(h.broker().cancel(APP, instanceId)).isTrue();
        assertThat(h.broker().cancel(APP, instanceId)).isFalse();
        assertThat(toHost).containsExactly(BackgroundTaskCancellationReason.ABORT);
        assertThat(cancellations).singleElement().extracting(AppEvent.Canceled::reason)
                .isEqualTo(BackgroundTaskCancellationReason.ABORT);

        h.clock.advance(Duration.ofSeconds(4));
        h.succeed(process);
        assertThat(process.killCalls()).isZero();
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(TaskOutcome.CANCELED);
            assertThat(e.cancellationReason()).contains(BackgroundTaskCancellationReason.ABORT);
            e.checkResult();
        });
    }

    @Test
    void aTaskIgnoringCancelIsKilledAfterTheGracePeriod() { // SPEC X6
        commandTask(bg.newTask().cancellationGrace(Duration.ofSeconds(5)));
        FakeProcess process = trigger();
        h.broker().cancel(APP, bg.instances().get(0).instanceId());
        assertThat(process.terminateCalls()).isEqualTo(1);

        h.clock.advance(Duration.ofMillis(4999));
        assertThat(process.killCalls()).isZero();
        h.clock.advance(Duration.ofMillis(1));
        assertThat(process.killCalls()).isEqualTo(1);
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.terminationReason()).contains(TerminationReason.KILLED_AFTER_GRACE);
            assertThatThrownBy(e::checkResult).isInstanceOf(BackgroundTaskFailedException.class);
        });
    }

    @Test
    void aHostAttachingAfterCancellationLearnsItAtOnce() { // SPEC X6
        javaTask();
        FakeProcess process = trigger();
        h.broker().cancel(APP, bg.instances().get(0).instanceId());
        assertThat(process.terminateCalls()).isZero(); // a Java task is told over its channel, not by a signal
        List<BackgroundTaskCancellationReason> toHost = new ArrayList<>();
        h.broker().attachHost(process.runToken(), toHost::add);
        assertThat(toHost).containsExactly(BackgroundTaskCancellationReason.ABORT);
    }

    @Test
    void cancellingAPendingInstanceCompletesItAsCancelled() { // SPEC X6
        commandTask(bg.newTask().addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE)));
        h.platform.set(HostSignal.INTERNET, false);
        bg.applicationTrigger().requestAsync().join();
        assertThat(h.broker().cancel(APP, bg.instances().get(0).instanceId())).isTrue();
        assertThat(completions).singleElement().extracting(BackgroundTaskCompletedEventArgs::outcome)
                .isEqualTo(TaskOutcome.CANCELED);
        h.platform.set(HostSignal.INTERNET, true);
        assertThat(h.platform.processes()).isEmpty();
    }

    @Test
    void anotherAppCannotCancel() { // SPEC S2
        commandTask(bg.newTask());
        trigger();
        assertThat(h.broker().cancel("com.example.other", bg.instances().get(0).instanceId())).isFalse();
        assertThat(cancellations).isEmpty();
    }

    @Test
    void theWallClockBudgetCancelsWithExecutionTimeExceeded() { // SPEC X7
        commandTask(bg.newTask().limits(ResourceLimits.builder().wallClock(Duration.ofMinutes(2)).build()));
        FakeProcess process = trigger();
        h.clock.advance(Duration.ofSeconds(119));
        assertThat(cancellations).isEmpty();
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(cancellations).singleElement().extracting(AppEvent.Canceled::reason)
                .isEqualTo(BackgroundTaskCancellationReason.EXECUTION_TIME_EXCEEDED);
        h.clock.advance(TaskDefinitionDefaults.GRACE);
        assertThat(process.killCalls()).isEqualTo(1);
        assertThat(completions.get(0).terminationReason()).contains(TerminationReason.KILLED_AFTER_GRACE);
    }

    @Test
    void theDefaultBudgetIsTenMinutes() { // SPEC X7
        commandTask(bg.newTask());
        trigger();
        h.clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(cancellations).isEmpty();
        h.clock.advance(Duration.ofMillis(1));
        assertThat(cancellations).hasSize(1);
    }

    @Test
    void conditionLossCancelsOnlyWithCancelOnConditionLoss() { // SPEC X8
        BackgroundTaskRegistration strict = commandTask(bg.newTask()
                .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
                .cancelOnConditionLoss(true));
        trigger();
        BackgroundTaskRegistration lenient = bg.newTask().name("lenient").command(List.of("/bin/true"))
                .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
                .setTrigger(bg.applicationTrigger("lenient")).register();
        bg.applicationTrigger("lenient").requestAsync().join();
        assertThat(h.platform.processes()).hasSize(2);

        h.platform.set(HostSignal.INTERNET, false);

        assertThat(cancellations).singleElement().satisfies(c -> {
            assertThat(c.taskId()).isEqualTo(strict.taskId());
            assertThat(c.reason()).isEqualTo(BackgroundTaskCancellationReason.CONDITION_LOSS);
        });
        assertThat(lenient.taskId()).isNotEqualTo(strict.taskId());
        h.platform.set(HostSignal.INTERNET, true);
        h.platform.set(HostSignal.INTERNET, false);
        assertThat(cancellations).hasSize(1);
    }

    @Test
    void energySaverCancelsRunningAndHoldsPending() { // SPEC X9
        commandTask(bg.newTask());
        trigger();
        bg.newTask().name("later").command(List.of("/bin/true"))
                .addCondition(new SystemCondition(SystemConditionType.USER_NOT_PRESENT))
                .setTrigger(bg.applicationTrigger("later")).register();
        bg.applicationTrigger("later").requestAsync().join();

        h.platform.set(HostSignal.ENERGY_SAVER, true);
        assertThat(cancellations).singleElement().extracting(AppEvent.Canceled::reason)
                .isEqualTo(BackgroundTaskCancellationReason.ENERGY_SAVER);

        h.platform.set(HostSignal.USER_PRESENT, false);
        assertThat(h.platform.processes()).hasSize(1); // pending waits for energy saver
        assertThat(bg.instances().get(0).waitingForEnergySaver()).isTrue();
        h.platform.set(HostSignal.ENERGY_SAVER, false);
        assertThat(h.platform.processes()).hasSize(2);
    }

    @Test
    void energySaverLeavesAlwaysAllowedAppsAlone() { // SPEC X9
        h.broker().setUserAccess(APP, UserAccessSetting.ALWAYS);
        commandTask(bg.newTask());
        trigger();
        h.platform.set(HostSignal.ENERGY_SAVER, true);
        assertThat(cancellations).isEmpty();
    }

    @Test
    void outOfMemoryStopsWithoutCanceledAndSaysSo() { // SPEC X10
        javaTask(bg.newTask().limits(ResourceLimits.builder().memoryBytes(64L << 20).build()));
        trigger().outOfMemory(64L << 20);
        assertThat(cancellations).isEmpty();
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.terminationReason()).contains(TerminationReason.OUT_OF_MEMORY);
            assertThat(e.peakMemoryBytes()).hasValue(64L << 20);
            assertThatThrownBy(e::checkResult).hasMessageContaining("memory limit");
        });
    }

    @Test
    void theTaskReadsItsTreesMemoryAndMayLowerItsLimitWithinTheRules() { // SPEC X11
        javaTask(bg.newTask().limits(ResourceLimits.builder().memoryBytes(256L << 20).build()));
        FakeProcess process = trigger();
        process.setUsage(100L << 20, 120L << 20);
        var report = h.broker().memoryOf(process.runToken());
        assertThat(report.usageBytes()).isEqualTo(100L << 20);
        assertThat(report.peakBytes()).isEqualTo(120L << 20);
        assertThat(report.limitBytes()).isEqualTo(256L << 20);

        assertThat(h.broker().trySetMemoryLimit(process.runToken(), 99L << 20)).isFalse(); // below usage
        assertThat(h.broker().trySetMemoryLimit(process.runToken(), 257L << 20)).isFalse(); // above registration
        assertThat(process.memoryLimitSet()).isNull();
        assertThat(h.broker().memoryOf(process.runToken()).limitBytes()).isEqualTo(256L << 20);

        assertThat(h.broker().trySetMemoryLimit(process.runToken(), 128L << 20)).isTrue();
        assertThat(process.memoryLimitSet()).isEqualTo(128L << 20);
        assertThat(h.broker().memoryOf(process.runToken()).limitBytes()).isEqualTo(128L << 20);
        assertThatThrownBy(() -> h.broker().memoryOf("forged")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProcessLimitHitIsRecorded() { // SPEC X12
        commandTask(bg.newTask().limits(ResourceLimits.builder().maxProcesses(64).build()));
        trigger().processLimitHit();
        assertThat(completions.get(0).terminationReason()).contains(TerminationReason.PROCESS_LIMIT);
    }

    @Test
    void aLaunchFailureCompletesTheInstanceAndFreesTheSlot() { // SPEC T5, X4
        commandTask(bg.newTask());
        h.platform.sandbox().failNextLaunch(new IOException("no cgroup"));
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.terminationReason()).contains(TerminationReason.LAUNCH_FAILED);
            assertThatThrownBy(e::checkResult).hasMessageContaining("no cgroup");
        });
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
    }

    @Test
    void aTaskJvmThatCannotBeExecutedIsALaunchFailureTheAppHearsWithTheReason() throws IOException { // SPEC X4
        javaTask();
        FakeProcess process = trigger();
        // What the cgroup sandbox's sh wrapper prints and exits with when exec finds no JVM.
        Files.writeString(process.spec().logFile(),
                "bgtasks-task: 1: exec: /image/lib/runtime/bin/java: not found\n");
        process.exit(127);
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.terminationReason()).contains(TerminationReason.LAUNCH_FAILED);
            assertThatThrownBy(e::checkResult).hasMessageContaining("could not be started")
                    .hasMessageContaining("bin/java: not found");
        });
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
    }

    @Test
    void unregisterWithCancelAbortsAndWithoutLetsItFinish() { // SPEC R8
        BackgroundTaskRegistration reg = commandTask(bg.newTask());
        FakeProcess first = trigger();
        reg.unregister(false);
        assertThat(first.terminateCalls()).isZero();
        first.exit(0);
        assertThat(bg.instances().get(0).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);

        BackgroundTaskRegistration again = commandTask(bg.newTask());
        trigger();
        again.unregister(true);
        assertThat(cancellations).singleElement().extracting(AppEvent.Canceled::reason)
                .isEqualTo(BackgroundTaskCancellationReason.ABORT);
    }

    @Test
    void unregisterDiscardsAPendingInstance() { // SPEC R8
        BackgroundTaskRegistration reg = commandTask(bg.newTask()
                .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE)));
        h.platform.set(HostSignal.INTERNET, false);
        bg.applicationTrigger().requestAsync().join();
        reg.unregister(true);
        h.platform.set(HostSignal.INTERNET, true);
        assertThat(h.platform.processes()).isEmpty();
        assertThat(bg.instances().get(0).state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(h.broker().undeliveredCompletions(APP)).isEmpty();
    }

    /** The builder's default grace, named once for these tests. */
    private static final class TaskDefinitionDefaults {
        static final Duration GRACE = dev.bgtasks.broker.TaskDefinition.DEFAULT_GRACE;
    }
}
