package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.Store;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standby's take costs no durable commit of its own (SPEC B4 as amended, W1): the pending instance is stored with
 * the standby's token, so the running record rides as a cold start's does; a standby that never takes the instance
 * costs it only a cold start under a token of its own (W3, B6).
 */
class StandbyCommitsTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;
    private final List<BackgroundTaskCompletedEventArgs> completions = new ArrayList<>();

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir, b -> b.standbys(2)).playStandbyHosts(true);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    /** A Java task that needs the internet, run once so that its standby waits. */
    private FakeProcess registeredWithAWaitingStandby() {
        bg.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
                .setTrigger(bg.applicationTrigger()).register().onCompleted(completions::add);
        UUID first = trigger();
        h.succeed(h.processOf(first));
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(h.waitingStandbys()).hasSize(1);
        return h.waitingStandbys().get(0);
    }

    private UUID trigger() {
        TriggerResponse response = bg.applicationTrigger().request(java.util.Map.of()).join();
        assertThat(response.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return response.instanceId();
    }

    private InstanceInfo instance(UUID id) {
        return h.broker().instances(APP).stream().filter(i -> i.instanceId().equals(id)).findFirst().orElseThrow();
    }

    private InstanceRow row(UUID id) {
        return h.broker().store().read(tx -> tx.instance(id)).orElseThrow();
    }

    /** The machine went down before the next durable commit: the running record is gone, the pending one stays. */
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
    void aTakeRidesOnTheTriggersOneDurableCommitAndARestartFindsTheStandbyByItsToken() { // SPEC B4 (amended), W1, B6
        h.platform.set(HostSignal.INTERNET, true);
        FakeProcess standby = registeredWithAWaitingStandby();
        Store.Commits before = h.broker().store().commits();
        UUID id = trigger();
        Store.Commits after = h.broker().store().commits();
        assertThat(h.processOf(id)).isSameAs(standby);
        assertThat(after.durable() - before.durable()).isEqualTo(1);
        assertThat(after.riding() - before.riding()).isEqualTo(1);
        assertThat(row(id).runToken()).isEqualTo(standby.runToken());

        int launched = h.platform.processes().size();
        forgetTheLaunch(id);
        h.restart();
        assertThat(h.platform.processes()).as("not launched again").hasSize(launched);
        assertThat(instance(id).state()).isEqualTo(InstanceState.RUNNING);
        assertThat(instance(id).pid()).isEqualTo(standby.pid());
        h.broker().attachHost(standby.runToken(), reason -> { });
        h.succeed(standby);
        assertThat(instance(id).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
    }

    @Test
    void aLentTokenWhoseStandbyDiedIsNotTheColdStartsToken() { // SPEC W3
        h.platform.set(HostSignal.INTERNET, true);
        FakeProcess standby = registeredWithAWaitingStandby();
        h.platform.set(HostSignal.INTERNET, false);
        UUID id = trigger(); // pending: its condition does not hold
        assertThat(row(id).runToken()).isEqualTo(standby.runToken());
        standby.exit(1);
        h.platform.set(HostSignal.INTERNET, true);
        FakeProcess cold = h.processOf(id);
        assertThat(cold.isStandby()).isFalse();
        assertThat(cold.runToken()).isNotEqualTo(standby.runToken());
        assertThat(row(id).runToken()).isEqualTo(cold.runToken());
        h.succeed(cold);
        assertThat(instance(id).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
    }

    @Test
    void aStandbyThatNeverTookItsInstanceBeforeTheBrokerDiedCostsOnlyAColdStart() throws IOException { // SPEC W3, B6
        neverTakenThenRestarted(true);
    }

    @Test
    void aStandbyEndedWithItsBrokerBeforeItTookItsInstanceCostsOnlyAColdStart() throws IOException { // SPEC W3, B6
        neverTakenThenRestarted(false); // a broker that stopped deleted the standby's log; its exit record stays
    }

    private void neverTakenThenRestarted(boolean logLeft) throws IOException {
        h.platform.set(HostSignal.INTERNET, true);
        FakeProcess standby = registeredWithAWaitingStandby();
        h.platform.set(HostSignal.INTERNET, false);
        UUID id = trigger(); // stored with the standby's token, never handed over
        assertThat(row(id).runToken()).isEqualTo(standby.runToken());
        h.broker().close();
        // What a broker that went away leaves of its standby: the log under the standby's name (unless it stopped
        // and deleted it), and the supervisor's record of the host's exit.
        Path log = standby.spec().logFile();
        if (logLeft) {
            Files.writeString(log, "standing by\n");
        }
        TaskEndRecords.writeExit(TaskEndRecords.exitFile(log),
                new TaskEndRecords.Exit(2, 1L << 20, 0, 0, h.clock.now()));

        h.platform.set(HostSignal.INTERNET, true);
        h.restart();
        FakeProcess cold = h.processOf(id);
        assertThat(cold.isStandby()).isFalse();
        assertThat(cold.runToken()).isNotEqualTo(standby.runToken());
        assertThat(instance(id).state()).isEqualTo(InstanceState.RUNNING);
        assertThat(TaskEndRecords.exitFile(log)).doesNotExist();
        h.succeed(cold);
        assertThat(instance(id).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(h.platform.processes().stream().filter(p -> !p.isStandby()).count())
                .as("the first instance's cold start, then this one's, once").isEqualTo(2);
    }
}
