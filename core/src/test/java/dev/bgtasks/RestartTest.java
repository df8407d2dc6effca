package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.store.StoreLockedException;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {
    private static final String APP = "com.example.notes";
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

    private BackgroundTaskRegistration registerJava(BackgroundTasks bg) {
        return bg.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .setTrigger(bg.applicationTrigger()).register();
    }

    @Test
    void aCompletionNobodySawIsDeliveredOnceOnTheNextAttach() throws Exception { // SPEC X5
        UUID taskId;
        try (BackgroundTasks first = h.app(APP)) {
            taskId = registerJava(first).taskId();
            first.applicationTrigger().requestAsync().join();
        } // the app exits while its task runs
        h.succeed(h.platform.lastProcess());

        h.restart();
        List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
        try (BackgroundTasks second = h.app(APP); BackgroundTasks third = h.app(APP)) {
            second.allTasks().get(taskId).onCompleted(seen::add);
            third.allTasks().get(taskId).onCompleted(seen::add); // another client: must not get it again
            second.allTasks().get(taskId).onCompleted(seen::add); // a second listener later: neither
        }
        assertThat(seen).singleElement().extracting(BackgroundTaskCompletedEventArgs::outcome)
                .isEqualTo(TaskOutcome.SUCCEEDED);
        seen.get(0).checkResult();
        assertThat(h.broker().undeliveredCompletions(APP)).isEmpty();
    }

    @Test
    void aCompletionSeenLiveIsNotDeliveredAgain() { // SPEC X3, X5
        List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
        UUID taskId;
        try (BackgroundTasks bg = h.app(APP)) {
            BackgroundTaskRegistration reg = registerJava(bg);
            taskId = reg.taskId();
            reg.onCompleted(seen::add);
            bg.applicationTrigger().requestAsync().join();
            h.succeed(h.platform.lastProcess());
        }
        try (BackgroundTasks later = h.app(APP)) {
            later.allTasks().get(taskId).onCompleted(seen::add);
        }
        assertThat(seen).hasSize(1);
    }

    @Test
    void aRunningTaskThatReconnectsIsReadoptedAndRecorded() { // SPEC B3
        UUID taskId;
        try (BackgroundTasks bg = h.app(APP)) {
            taskId = registerJava(bg).taskId();
            bg.applicationTrigger().requestAsync().join();
        }
        FakeProcess process = h.platform.lastProcess();
        h.broker().attachHost(process.runToken(), r -> { });
        h.progress(process, 40);

        h.restart(); // the broker dies; the task goes on
        assertThat(process.isAlive()).isTrue();
        HostAttachment attachment = h.broker().attachHost(process.runToken(), r -> { });
        assertThat(attachment.readopted()).isTrue();
        h.clock.advance(BrokerConfig.DEFAULT_READOPT_WINDOW.plusSeconds(1));
        assertThat(process.isAlive()).isTrue();
        h.progress(process, 90);
        h.succeed(process);

        try (BackgroundTasks bg = h.app(APP)) {
            List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
            bg.allTasks().get(taskId).onCompleted(seen::add);
            assertThat(seen).singleElement().satisfies(e -> {
                assertThat(e.outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
                assertThat(e.progress()).isEqualTo(90);
            });
        }
    }

    @Test
    void aTaskThatDoesNotReconnectIsKilledAndRecordedAsBrokerLost() { // SPEC B3, X13
        try (BackgroundTasks bg = h.app(APP)) {
            registerJava(bg);
            bg.applicationTrigger().requestAsync().join();
        }
        FakeProcess process = h.platform.lastProcess();
        h.restart();
        h.clock.advance(BrokerConfig.DEFAULT_READOPT_WINDOW.minusMillis(1));
        assertThat(process.isAlive()).isTrue();
        h.clock.advance(Duration.ofMillis(1));
        assertThat(process.isAlive()).isFalse();
        assertThat(h.platform.sandbox().orphansKilled()).containsExactly(process.pid());
        assertThat(h.broker().instances(APP).get(0).terminationReason()).isEqualTo(TerminationReason.BROKER_LOST);
        assertThatThrownBy(() -> h.broker().attachHost(process.runToken(), r -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        try (BackgroundTasks bg = h.app(APP)) {
            assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        }
    }

    @Test
    void aPlatformThatCannotReadoptRecordsBrokerLostAtOnce() { // SPEC B3 (Windows job objects)
        try (BackgroundTasks bg = h.app(APP)) {
            registerJava(bg);
            bg.applicationTrigger().requestAsync().join();
        }
        h.platform.sandbox().setCanReadopt(false);
        h.restart();
        assertThat(h.broker().instances(APP).get(0).terminationReason()).isEqualTo(TerminationReason.BROKER_LOST);
    }

    @Test
    void aCommandTaskIsTakenBackByPidWithoutAHost() { // SPEC B3
        try (BackgroundTasks bg = h.app(APP)) {
            bg.newTask().name("sleep").command(List.of("/bin/sleep", "60")).setTrigger(bg.applicationTrigger())
                    .register();
            bg.applicationTrigger().requestAsync().join();
        }
        FakeProcess process = h.platform.lastProcess();
        h.restart();
        h.clock.advance(BrokerConfig.DEFAULT_READOPT_WINDOW.plusSeconds(1));
        assertThat(process.isAlive()).isTrue();
        process.exit(0);
        assertThat(h.broker().instances(APP).get(0).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
    }

    @Test
    void aCancellationInProgressSurvivesTheRestart() { // SPEC B3, X6
        try (BackgroundTasks bg = h.app(APP)) {
            bg.newTask().name("sleep").command(List.of("/bin/sleep", "60")).setTrigger(bg.applicationTrigger())
                    .register();
            bg.applicationTrigger().requestAsync().join();
            h.broker().cancel(APP, bg.instances().get(0).instanceId());
        }
        FakeProcess process = h.platform.lastProcess();
        h.clock.advance(Duration.ofSeconds(2));
        h.restart();
        h.clock.advance(Duration.ofSeconds(3));
        assertThat(process.isAlive()).isFalse();
        assertThat(h.broker().instances(APP).get(0).cancelReason()).isEqualTo(BackgroundTaskCancellationReason.ABORT);
        assertThat(h.broker().instances(APP).get(0).terminationReason())
                .isEqualTo(TerminationReason.KILLED_AFTER_GRACE);
    }

    @Test
    void aSecondBrokerOnTheSameStoreRefusesToStart() { // SPEC T4, B1
        assertThatThrownBy(() -> Broker.start(h.config())).isInstanceOf(StoreLockedException.class)
                .hasMessageContaining("bgtasks.db");
    }

    @Test
    void everyAcknowledgedChangeIsInTheStore() { // SPEC B4
        UUID instanceId;
        try (BackgroundTasks bg = h.app(APP)) {
            registerJava(bg);
            instanceId = bg.applicationTrigger().request(java.util.Map.of()).join().instanceId();
            h.progress(h.platform.lastProcess(), 33);
        }
        // Read straight from the file, as a broker killed right after the acknowledgement would find it.
        h.broker().close();
        try (var store = dev.bgtasks.store.Store.open(h.config().databaseFile())) {
            var row = store.read(tx -> tx.instance(instanceId)).orElseThrow();
            assertThat(row.state()).isEqualTo(InstanceState.RUNNING);
            assertThat(row.progress()).isEqualTo(33);
            assertThat(store.integrityOk()).isTrue();
        }
        h.restart();
    }
}
