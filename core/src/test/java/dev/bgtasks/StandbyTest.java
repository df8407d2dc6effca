package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.testing.BrokerHarness.FakeStandbyHost;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standby task hosts (SPEC W1-W3) on the fake platform and clock: the policy, the hand-off and the fallback. */
class StandbyTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;
    private final List<BackgroundTaskCompletedEventArgs> completions = new ArrayList<>();

    @BeforeEach
    void start() {
        startWith(2, true);
    }

    private void startWith(int standbys, boolean confirm) {
        h = new BrokerHarness(dir, b -> b.standbys(standbys)).playStandbyHosts(confirm);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private BackgroundTaskRegistration javaTask(String name, String trigger, BackgroundTaskBuilder builder) {
        BackgroundTaskRegistration reg = builder.name(name).taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .setTrigger(bg.applicationTrigger(trigger)).register();
        reg.onCompleted(completions::add);
        return reg;
    }

    private BackgroundTaskRegistration javaTask() {
        return javaTask("export", "", bg.newTask());
    }

    private UUID trigger(String name) {
        assertThat(bg.applicationTrigger(name).requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return running(name).instanceId();
    }

    private InstanceInfo running(String triggerName) {
        return h.broker().instances(APP).stream()
                .filter(i -> i.triggerName().equals(triggerName) && i.state() == InstanceState.RUNNING)
                .findFirst().orElseThrow(() -> new AssertionError("no running instance of " + triggerName));
    }

    /** A trigger, its task run to its end, and the background start of the standby it leaves. */
    private void runOnce(String triggerName) {
        UUID id = trigger(triggerName);
        h.succeed(h.processOf(id));
        h.clock.advance(Duration.ofSeconds(1));
    }

    @Test
    void aTriggerHandsItsInstanceToTheStandbyStartedInTheSandboxWithTheLimits() { // SPEC W1, X1, S2
        javaTask("export", "", bg.newTask().limits(ResourceLimits.builder().memoryBytes(256L << 20).build()));
        UUID first = trigger("");
        FakeProcess cold = h.processOf(first);
        assertThat(cold.isStandby()).isFalse();
        h.clock.advance(Duration.ofSeconds(1));
        List<FakeProcess> waiting = h.waitingStandbys();
        assertThat(waiting).hasSize(1);
        FakeProcess standby = waiting.get(0);
        // Same command, limits and sandbox as the cold start; a token of its own, which is no instance's.
        assertThat(standby.limits()).isEqualTo(cold.limits());
        assertThat(standby.spec().command()).isEqualTo(cold.spec().command());
        assertThat(standby.spec().environment()).doesNotContainKey("BGTASKS_INSTANCE_ID");
        assertThat(standby.runToken()).isNotEqualTo(cold.runToken());
        assertThatThrownBy(() -> h.broker().reportProgress(standby.runToken(), 10)) // SPEC S2
                .isInstanceOf(IllegalArgumentException.class);
        h.succeed(cold);

        int launched = h.platform.processes().size();
        UUID second = trigger("");
        FakeStandbyHost host = h.standbyHosts.get(standby.pid());
        assertThat(host.taken.instanceId()).isEqualTo(second);
        assertThat(host.taken.entryPoint()).isEqualTo(SampleTasks.Valid.class.getName());
        assertThat(h.platform.processes()).hasSize(launched); // no JVM started for it
        assertThat(running("").pid()).isEqualTo(standby.pid());
        h.progress(standby, 40); // its token is the instance's now
        assertThat(running("").progress()).isEqualTo(40);

        h.clock.advance(Duration.ofSeconds(1));
        assertThat(h.waitingStandbys()).hasSize(1).doesNotContain(standby); // SPEC W1: the next one, in the background
        h.succeed(standby);
        assertThat(completions).hasSize(2).allMatch(c -> c.instanceId() != null);
        assertThat(completions.get(1).instanceId()).isEqualTo(second);
    }

    @Test
    void aStandbyIsNeverAnInstance() { // SPEC W1
        javaTask();
        runOnce("");
        assertThat(h.waitingStandbys()).hasSize(1);
        assertThat(h.broker().instances(APP)).hasSize(1)
                .allMatch(i -> i.state() == InstanceState.COMPLETED);
        // Not CURRENTLY_RUNNING (SPEC T4): the standby holds no instance.
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
    }

    @Test
    void doctorListsTheStandbys() { // SPEC W1
        javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        standby.setUsage(40L << 20, 41L << 20);
        assertThat(h.broker().describePlatform()).contains("standby task hosts")
                .contains("pid " + standby.pid()).contains("RSS 40 MiB");
    }

    @Test
    void energySaverAndBatteryEndTheStandbyAndNoBatteryAtAllKeepsIt() { // SPEC W2
        javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        h.platform.set(HostSignal.ENERGY_SAVER, true);
        assertThat(standby.isAlive()).isFalse();
        assertThat(h.waitingStandbys()).isEmpty();
        h.platform.set(HostSignal.ENERGY_SAVER, false);
        assertThat(h.waitingStandbys()).hasSize(1);

        h.platform.set(HostSignal.AC_POWER, false);
        assertThat(h.waitingStandbys()).isEmpty();
        h.platform.set(HostSignal.AC_POWER, null); // a desktop, a VM: no power supply at all
        assertThat(h.waitingStandbys()).hasSize(1);
    }

    @Test
    void aStandbyEndsTenMinutesAfterTheLastTrigger() { // SPEC W2
        javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        h.clock.advance(Duration.ofMinutes(9));
        assertThat(standby.isAlive()).isTrue();
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(standby.isAlive()).isFalse();
        assertThat(h.waitingStandbys()).isEmpty();
    }

    @Test
    void atMostTwoRegistrationsTheMostRecentlyTriggered() { // SPEC W2
        javaTask("a", "a", bg.newTask());
        javaTask("b", "b", bg.newTask());
        javaTask("c", "c", bg.newTask());
        runOnce("a");
        h.clock.advance(Duration.ofSeconds(1));
        runOnce("b");
        h.clock.advance(Duration.ofSeconds(1));
        runOnce("c");
        List<FakeProcess> waiting = h.waitingStandbys();
        assertThat(waiting).hasSize(2);
        assertThat(waiting.stream().map(p -> h.standbyHosts.get(p.pid()).attachment.taskId()))
                .containsExactlyInAnyOrder(taskIdOf("b"), taskIdOf("c"));
    }

    private UUID taskIdOf(String name) {
        return bg.allTasks().values().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().taskId();
    }

    @Test
    void aRegistrationMayOptOutAndTheBrokerMayKeepNone() { // SPEC W2
        javaTask("export", "", bg.newTask().standby(false));
        runOnce("");
        assertThat(h.waitingStandbys()).isEmpty();
        bg.close();
        h.close();
        startWith(0, true);
        javaTask("other", "other", bg.newTask());
        runOnce("other");
        assertThat(h.waitingStandbys()).isEmpty();
    }

    @Test
    void unregisteringAndAccessLossEndTheStandby() { // SPEC W2
        BackgroundTaskRegistration reg = javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        reg.unregister(true);
        assertThat(standby.isAlive()).isFalse();

        javaTask();
        runOnce("");
        FakeProcess next = h.waitingStandbys().get(0);
        bg.executionManager().removeAccess();
        assertThat(next.isAlive()).isFalse();
        assertThat(h.waitingStandbys()).isEmpty();
    }

    @Test
    void aChangedJarEndsTheStandbyAndTheTriggerStartsCold() throws IOException { // SPEC W2, W3
        Path jar = Files.write(dir.resolve("tasks.jar"), new byte[] {'P', 'K', 5, 6});
        List<Path> classpath = Stream.concat(BrokerHarness.testClasspath().stream().map(Path::of), Stream.of(jar))
                .toList();
        bg.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName()).classpath(classpath)
                .setTrigger(bg.applicationTrigger()).register().onCompleted(completions::add);
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));

        UUID id = trigger("");
        assertThat(standby.isAlive()).isFalse();
        FakeProcess cold = h.processOf(id);
        assertThat(cold.isStandby()).isFalse();
        assertThat(h.standbyHosts.get(standby.pid()).taken).isNull();
        h.succeed(cold);
        assertThat(completions).hasSize(2);
    }

    @Test
    void aDeadStandbyCostsOnlyAColdStart() { // SPEC W3, B6
        javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        standby.exit(1);
        int launched = h.platform.processes().size();
        UUID id = trigger("");
        FakeProcess cold = h.processOf(id);
        assertThat(cold.isStandby()).isFalse();
        assertThat(h.platform.processes()).hasSize(launched + 1); // launched once
        h.succeed(cold);
        assertThat(completions).hasSize(2);
        assertThat(completions.get(1).instanceId()).isEqualTo(id);
    }

    @Test
    void aStandbyThatDiesBeforeItTookTheInstanceCostsOnlyAColdStart() throws Exception { // SPEC W3, B6
        bg.close();
        h.close();
        startWith(2, false); // the hosts never confirm a take
        javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        int launched = h.platform.processes().size();
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(h.standbyHosts.get(standby.pid()).taken).isNotNull();
        standby.exit(1); // before it said it took the instance
        InstanceInfo info = running("");
        FakeProcess cold = h.processOf(info.instanceId());
        assertThat(cold.isStandby()).isFalse();
        assertThat(info.pid()).isEqualTo(cold.pid());
        assertThat(h.platform.processes().stream().filter(p -> !p.isStandby()).count())
                .isEqualTo(launched - 1 + 1L); // one cold start for it, after the first instance's
        h.succeed(cold);
        assertThat(completions).hasSize(2);
        assertThat(completions.get(1).instanceId()).isEqualTo(info.instanceId());
        assertThat(completions.get(1).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
    }

    @Test
    void aStandbyThatTookTheInstanceAndDiedIsTheTasksFailure() { // SPEC W3 (after the take: X4 as for a cold start)
        javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        UUID id = trigger("");
        standby.exit(1);
        assertThat(completions).hasSize(2);
        assertThat(completions.get(1).instanceId()).isEqualTo(id);
        assertThat(h.broker().instances(APP)).noneMatch(i -> i.state() == InstanceState.RUNNING);
    }

    @Test
    void aStandbyNotConnectedYetLeavesTheTriggerToAColdStartAndWaitsForTheNext() { // SPEC W3
        javaTask();
        UUID first = trigger("");
        h.succeed(h.processOf(first));
        h.platform.sandbox().onLaunch(process -> { }); // the next standby has not said hello yet
        h.clock.advance(Duration.ofSeconds(1));
        FakeProcess starting = h.platform.lastProcess();
        assertThat(starting.isStandby()).isTrue();
        UUID id = trigger("");
        FakeProcess cold = h.processOf(id);
        assertThat(cold.isStandby()).isFalse();
        assertThat(starting.isAlive()).isTrue();
        h.succeed(cold);

        FakeStandbyHost late = h.new FakeStandbyHost(starting, true);
        h.standbyHosts.put(starting.pid(), late);
        late.attachment = h.broker().attachStandby(starting.runToken(), late);
        UUID next = trigger("");
        assertThat(late.taken.instanceId()).isEqualTo(next);
    }

    @Test
    void standbysEndWithTheBrokerAndATakenOneIsReadoptedLikeAnyTask() { // SPEC W1, B3
        javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        UUID id = trigger("");
        h.clock.advance(Duration.ofSeconds(1));
        FakeProcess next = h.waitingStandbys().get(0);
        h.restart();
        assertThat(next.isAlive()).isFalse(); // a standby holds nothing a new broker could use
        assertThat(standby.isAlive()).isTrue(); // the instance's task keeps running (B3)
        h.broker().attachHost(standby.runToken(), reason -> { });
        h.succeed(standby);
        assertThat(h.broker().instances(APP)).filteredOn(i -> i.instanceId().equals(id))
                .singleElement().matches(i -> i.state() == InstanceState.COMPLETED);
    }

    /**
     * A task that started on a standby ended while no broker ran: its supervisor's exit record is beside the
     * standby's log (it was given that path before the take), and the next broker finds it there.
     */
    @Test
    void aTaskStartedOnAStandbyThatEndsWhileNoBrokerRunsKeepsItsExitCode() { // SPEC B5, W1
        javaTask();
        runOnce("");
        FakeProcess standby = h.waitingStandbys().get(0);
        UUID id = trigger("");
        h.broker().close(); // as good as SIGKILLed: it records nothing from now on
        Instant ended = h.clock.now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        standby.exitRecorded(7, 5L << 20, ended);

        h.restart();
        InstanceInfo done = h.broker().instances(APP).stream().filter(i -> i.instanceId().equals(id)).findFirst()
                .orElseThrow();
        assertThat(done.state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(done.exitCode()).isEqualTo(7);
        assertThat(done.terminationReason()).isNull();
        assertThat(done.endedAt()).isEqualTo(ended);
        assertThat(dev.bgtasks.spi.TaskEndRecords.exitFile(standby.spec().logFile())).doesNotExist();
    }
}
