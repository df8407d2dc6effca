package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.Store;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks that end while no broker runs keep their true outcome (SPEC B5), and a restarted broker never launches an
 * instance whose process is alive (SPEC B6), on the fake platform: the records a supervisor and a Java host leave
 * are written as they would write them, and the broker is closed (as good as killed: it records nothing more) while
 * the task ends.
 */
class OutageTest {
    private static final String APP = "com.example.notes";
    private static final long PEAK = 5L << 20;
    @TempDir
    Path dir;
    private BrokerHarness h;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        h.broker().requestAccess(APP);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private UUID triggerCommand() {
        try (BackgroundTasks bg = h.app(APP)) {
            bg.newTask().name("sync").command(List.of("/bin/sleep", "60")).setTrigger(bg.applicationTrigger())
                    .register();
            return bg.applicationTrigger().request(java.util.Map.of()).join().instanceId();
        }
    }

    private UUID triggerJava() {
        try (BackgroundTasks bg = h.app(APP)) {
            bg.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                    .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                    .setTrigger(bg.applicationTrigger()).register();
            return bg.applicationTrigger().request(java.util.Map.of()).join().instanceId();
        }
    }

    private InstanceInfo instance() {
        return h.broker().instances(APP).get(0);
    }

    private List<BackgroundTaskCompletedEventArgs> deliveredOnAttach() {
        List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
        try (BackgroundTasks bg = h.app(APP)) {
            bg.allTasks().values().forEach(reg -> reg.onCompleted(seen::add));
        }
        return seen;
    }

    @Test
    void aCommandThatExitsWhileNoBrokerRunsKeepsItsExitCode() { // SPEC B5
        triggerCommand();
        FakeProcess process = h.platform.lastProcess();
        h.broker().close(); // as good as SIGKILLed: it records nothing from now on
        Instant ended = h.clock.now().plus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.MILLIS);
        process.exitRecorded(7, PEAK, ended);
        h.clock.advance(Duration.ofDays(2)); // any outage length

        h.restart();
        InstanceInfo done = instance();
        assertThat(done.state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(done.outcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(done.terminationReason()).isNull();
        assertThat(done.exitCode()).isEqualTo(7);
        assertThat(done.peakMemoryBytes()).isEqualTo(PEAK);
        assertThat(done.endedAt()).isEqualTo(ended);
        assertThat(h.platform.processes()).hasSize(1);
        assertThat(TaskEndRecords.exitFile(process.spec().logFile())).doesNotExist();
        assertThat(deliveredOnAttach()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(TaskOutcome.FAILED);
            assertThat(e.endedAt()).isEqualTo(ended);
            assertThat(e.peakMemoryBytes()).hasValue(PEAK);
        });
    }

    /** Issue 16: a retry asked for while no broker ran was recorded as the end of the instance. */
    @Test
    void aRetryAskedForWhileNoBrokerRanIsScheduledByTheNextBroker() { // SPEC B5, P1
        Duration backoff = Duration.ofSeconds(30);
        try (BackgroundTasks bg = h.app(APP)) {
            bg.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                    .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                    .retryPolicy(RetryPolicy.linear(backoff, Duration.ofMinutes(5), 3))
                    .setTrigger(bg.applicationTrigger()).register();
            bg.applicationTrigger().request(java.util.Map.of()).join();
        }
        FakeProcess first = h.platform.lastProcess();
        h.broker().attachHost(first.runToken(), r -> { });
        h.broker().close();
        Instant ended = h.clock.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        first.resultRecorded(null, ended, true);
        first.exitRecorded(0, PEAK, ended.plusMillis(20));

        h.restart();
        InstanceInfo waiting = instance();
        assertThat(waiting.state()).isEqualTo(InstanceState.PENDING);
        assertThat(waiting.attempt()).isEqualTo(2);
        assertThat(waiting.nextAttemptAt()).isNotNull();
        assertThat(TaskEndRecords.resultFile(first.spec().logFile())).doesNotExist();
        h.clock.advance(backoff);
        assertThat(h.platform.processes()).hasSize(2);
        assertThat(instance().state()).isEqualTo(InstanceState.RUNNING);
    }

    @Test
    void aCommandThatAsksForRetryWhileNoBrokerRunsIsRetried() { // SPEC B5, P1
        try (BackgroundTasks bg = h.app(APP)) {
            bg.newTask().name("sync").command(List.of("/bin/sleep", "60"))
                    .retryPolicy(RetryPolicy.linear(Duration.ofSeconds(30), Duration.ofMinutes(5), 3))
                    .setTrigger(bg.applicationTrigger()).register();
            bg.applicationTrigger().request(java.util.Map.of()).join();
        }
        FakeProcess process = h.platform.lastProcess();
        h.broker().close();
        process.exitRecorded(75, PEAK, h.clock.now()); // EX_TEMPFAIL

        h.restart();
        assertThat(instance().state()).isEqualTo(InstanceState.PENDING);
        assertThat(instance().attempt()).isEqualTo(2);
    }

    @Test
    void aCommandKilledFromOutsideWhileNoBrokerRunsIsRecordedKilledNotLost() { // SPEC B5
        triggerCommand();
        FakeProcess process = h.platform.lastProcess();
        h.broker().close();
        process.exitRecorded(137, PEAK, h.clock.now());

        h.restart();
        assertThat(instance().terminationReason()).isEqualTo(TerminationReason.KILLED);
        assertThat(instance().exitCode()).isEqualTo(137);
    }

    @Test
    void aJavaTaskThatThrowsWhileNoBrokerRunsKeepsItsException() { // SPEC B5
        triggerJava();
        FakeProcess process = h.platform.lastProcess();
        h.broker().attachHost(process.runToken(), r -> { });
        h.broker().close();
        Instant ended = h.clock.now().plusSeconds(70).truncatedTo(ChronoUnit.MILLIS);
        process.resultRecorded(new IllegalStateException("the disk is gone"), ended);
        process.exitRecorded(1, PEAK, ended.plusMillis(40));
        h.clock.advance(Duration.ofHours(5));

        h.restart();
        InstanceInfo done = instance();
        assertThat(done.outcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(done.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(done.errorMessage()).isEqualTo("the disk is gone");
        assertThat(done.exitCode()).isEqualTo(1);
        assertThat(done.endedAt()).isEqualTo(ended.plusMillis(40));
        assertThat(deliveredOnAttach()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(TaskOutcome.FAILED);
            org.assertj.core.api.Assertions.assertThatThrownBy(e::checkResult)
                    .hasMessageContaining(IllegalStateException.class.getName())
                    .hasMessageContaining("the disk is gone");
        });
        assertThat(TaskEndRecords.resultFile(process.spec().logFile())).doesNotExist();
    }

    @Test
    void aJavaResultTheDeadBrokerHeardButDidNotStoreIsKept() { // SPEC B5
        triggerJava();
        FakeProcess process = h.platform.lastProcess();
        h.broker().attachHost(process.runToken(), r -> { });
        // The host records its result, reports it, and the broker dies before the process exits.
        process.resultRecorded(null, h.clock.now());
        h.broker().reportResult(process.runToken(), null, null);
        h.broker().close();
        process.exitRecorded(0, PEAK, h.clock.now());

        h.restart();
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(instance().exitCode()).isZero();
    }

    @Test
    void aJavaHostThatGaveUpOnTheBrokerIsRecordedWhenItsProcessIsGone() { // SPEC B5
        triggerJava();
        FakeProcess process = h.platform.lastProcess();
        h.broker().close();
        // No supervisor record (its platform has none), but the host's result and a dead process.
        process.resultRecorded(null, h.clock.now());
        process.exitUnobserved();
        h.platform.sandbox().setCanReadopt(false);

        h.restart();
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(instance().exitCode()).isNull();
    }

    @Test
    void aReadoptedCommandGetsItsExitCodeFromItsSupervisor() { // SPEC B5, B3
        triggerCommand();
        FakeProcess process = h.platform.lastProcess();
        h.restart();
        // Not the new broker's child: the sandbox sees the exit, not the code; the supervisor's record has it.
        try {
            TaskEndRecords.writeExit(TaskEndRecords.exitFile(process.spec().logFile()),
                    new TaskEndRecords.Exit(3, PEAK, 0, 0, h.clock.now()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        process.exitUnobserved();
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(instance().exitCode()).isEqualTo(3);
        assertThat(instance().errorMessage()).isEqualTo("exited with code 3");
    }

    @Test
    void aTaskUnregisteredWithCancelThatEndsWhileNoBrokerRunsIsCanceled() { // SPEC B5, R8, X6
        UUID id = triggerCommand();
        FakeProcess process = h.platform.lastProcess();
        assertThat(h.broker().unregister(APP, instance().taskId(), true)).isTrue();
        assertThat(process.terminateCalls()).isEqualTo(1);
        h.broker().close();
        process.exitRecorded(143, PEAK, h.clock.now()); // SIGTERM did it, seen by its supervisor

        h.restart();
        InstanceInfo done = h.broker().instances(APP).stream().filter(i -> i.instanceId().equals(id))
                .findFirst().orElseThrow();
        assertThat(done.outcome()).isEqualTo(TaskOutcome.CANCELED);
        assertThat(done.cancelReason()).isEqualTo(BackgroundTaskCancellationReason.ABORT);
        assertThat(done.exitCode()).isEqualTo(143);
    }

    @Test
    void aTaskKilledWithItsSupervisorIsStillBrokerLost() { // SPEC B5, B3
        triggerCommand();
        FakeProcess process = h.platform.lastProcess();
        h.broker().close();
        process.kill(); // nobody observed its end: no record

        h.restart();
        h.clock.advance(h.config().readoptWindow().plusSeconds(1));
        assertThat(instance().terminationReason()).isEqualTo(TerminationReason.BROKER_LOST);
    }

    @Test
    void aTaskUnregisteredToFinishIsTakenBackAfterARestartNotLost() { // SPEC R8, B3
        triggerJava();
        FakeProcess process = h.platform.lastProcess();
        h.broker().attachHost(process.runToken(), r -> { });
        UUID taskId = instance().taskId();
        assertThat(h.broker().unregister(APP, taskId, false)).isTrue();
        h.restart();

        assertThat(h.broker().attachHost(process.runToken(), r -> { }).readopted()).isTrue();
        h.clock.advance(h.config().readoptWindow().plusSeconds(1));
        assertThat(process.isAlive()).isTrue();
        h.succeed(process);
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
    }

    @Test
    void aTaskUnregisteredWithCancelBeforeItsHostReattachesHearsItOnReattaching() { // SPEC R8, B3, X6
        triggerJava();
        FakeProcess process = h.platform.lastProcess();
        h.broker().attachHost(process.runToken(), r -> { });
        h.restart(); // its host has not reattached yet
        assertThat(h.broker().unregister(APP, instance().taskId(), true)).isTrue();
        assertThat(instance().cancelReason()).isEqualTo(BackgroundTaskCancellationReason.ABORT);

        List<BackgroundTaskCancellationReason> heard = new ArrayList<>();
        assertThat(h.broker().attachHost(process.runToken(), heard::add).readopted()).isTrue();
        assertThat(heard).containsExactly(BackgroundTaskCancellationReason.ABORT);
        h.succeed(process);
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.CANCELED);
    }

    @Test
    void aTaskUnregisteredWithCancelThatNeverReattachesKeepsItsCancellation() { // SPEC R8, B3
        triggerJava();
        FakeProcess process = h.platform.lastProcess();
        h.restart();
        h.broker().unregister(APP, instance().taskId(), true);
        h.clock.advance(h.config().readoptWindow().plusSeconds(1));
        assertThat(process.isAlive()).isFalse();
        assertThat(instance().terminationReason()).isEqualTo(TerminationReason.BROKER_LOST);
        assertThat(instance().cancelReason()).isEqualTo(BackgroundTaskCancellationReason.ABORT);
    }

    /** The previous broker started the instance and died before its running record was stored. */
    private void forgetTheLaunch(UUID instanceId) {
        h.broker().close();
        try (Store store = Store.open(h.config().databaseFile())) {
            store.run(tx -> {
                InstanceRow r = tx.instance(instanceId).orElseThrow();
                tx.updateInstance(new InstanceRow(r.instanceId(), r.taskId(), r.appId(), r.triggerName(),
                        InstanceState.PENDING, r.arguments(), 0, r.runToken(), null, null, null, null, null, null,
                        null, null, r.requestedAt(), null, null, null, false));
            });
        }
    }

    @Test
    void aPendingInstanceWhoseProcessIsAliveIsTakenBackNotLaunchedAgain() { // SPEC B6, B4
        UUID id = triggerCommand();
        FakeProcess process = h.platform.lastProcess();
        forgetTheLaunch(id);

        h.restart();
        assertThat(h.platform.processes()).containsExactly(process);
        assertThat(instance().state()).isEqualTo(InstanceState.RUNNING);
        assertThat(instance().pid()).isEqualTo(process.pid());
        try (BackgroundTasks bg = h.app(APP)) {
            assertThat(bg.applicationTrigger().requestAsync().join())
                    .isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
        }
        process.exit(0);
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void launchedRunningRecordLostBrokerRestartedIsTakenBackByRunToken() { // SPEC B4 (amended), B6
        UUID id;
        Store.Commits before;
        Store.Commits after;
        try (BackgroundTasks bg = h.app(APP)) {
            bg.newTask().name("sync").command(List.of("/bin/sleep", "60")).setTrigger(bg.applicationTrigger())
                    .register();
            before = h.broker().store().commits();
            id = bg.applicationTrigger().request(java.util.Map.of()).join().instanceId();
            after = h.broker().store().commits();
        }
        // Conditions hold: stored and launched under one durable commit; the running record and pid ride.
        assertThat(after.durable() - before.durable()).isEqualTo(1);
        assertThat(after.riding() - before.riding()).isEqualTo(1);
        assertThat(instance().state()).isEqualTo(InstanceState.RUNNING);

        // The machine went down before the next durable commit: the running record is gone.
        FakeProcess process = h.platform.lastProcess();
        forgetTheLaunch(id);
        h.restart();
        assertThat(h.platform.processes()).as("not launched again").containsExactly(process);
        assertThat(instance().state()).isEqualTo(InstanceState.RUNNING);
        assertThat(instance().pid()).isEqualTo(process.pid());

        // The completion is one durable commit, before the event.
        Store.Commits beforeEnd = h.broker().store().commits();
        process.exit(0);
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(h.broker().store().commits().durable() - beforeEnd.durable()).isEqualTo(1);
    }

    @Test
    void aPendingJavaInstanceWhoseHostIsAliveWaitsForItsHost() { // SPEC B6
        UUID id = triggerJava();
        FakeProcess process = h.platform.lastProcess();
        forgetTheLaunch(id);

        h.restart();
        assertThat(h.platform.processes()).containsExactly(process);
        assertThat(h.broker().attachHost(process.runToken(), r -> { }).readopted()).isTrue();
        h.succeed(process);
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
    }

    @Test
    void aPendingInstanceThatRanAndEndedMeanwhileIsRecordedNotLaunched() { // SPEC B6, B5
        UUID id = triggerCommand();
        FakeProcess process = h.platform.lastProcess();
        forgetTheLaunch(id);
        process.exitRecorded(0, PEAK, h.clock.now());

        h.restart();
        assertThat(h.platform.processes()).hasSize(1);
        assertThat(instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(instance().exitCode()).isZero();
    }

    @Test
    void aPendingInstanceThatNeverStartedIsLaunchedOnce() { // SPEC B6, T7
        UUID id = triggerCommand();
        FakeProcess process = h.platform.lastProcess();
        forgetTheLaunch(id);
        process.kill(); // the launch never got anywhere

        h.restart();
        assertThat(h.platform.processes()).hasSize(2);
        assertThat(instance().state()).isEqualTo(InstanceState.RUNNING);
        assertThat(Files.exists(TaskEndRecords.exitFile(process.spec().logFile()))).isFalse();
    }
}
