package dev.bgtasks.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundTaskCompletedEventArgs;
import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import dev.bgtasks.SystemCondition;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SimulatedSignals;
import dev.bgtasks.testing.FakeClock;
import dev.bgtasks.testing.FakePlatform;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, "a test-rig example test uses {@code @RequiresCondition} and {@code SimulatedSignals}": a rig tests a
 * sync task registered with {@code INTERNET_AVAILABLE}. The rig needs external power (a real precondition, checked
 * by {@code @RequiresCondition}), takes the network away through {@code SimulatedSignals}, and sees the broker hold
 * the triggered task until the simulated network returns, then run it once.
 *
 * <p>Here the host is core's fake platform, so the example runs anywhere; a rig on real hardware writes
 * {@code HostRig.real()} instead and keeps the rest.
 */
class SyncRigExampleTest {
    private static final FakePlatform HOST = FakePlatform.withGoodConditions();
    @RegisterExtension
    static final HostRig RIG = HostRig.over(HOST);

    @TempDir
    Path home;

    private Broker startBroker() {
        // The broker gets the rig's platform: its signals are the rig's SimulatedSignals.
        return Broker.start(BrokerConfig.builder().home(home.resolve("state")).platform(RIG.platform())
                .clock(new FakeClock()).policyFile(home.resolve("policy.json"))
                .environment(Map.of("PATH", "/usr/bin:/bin")).build());
    }

    @Test
    @RequiresCondition(SystemConditionType.ON_AC_POWER)
    void theSyncWaitsWhileOfflineAndRunsOnceTheNetworkIsBack(SimulatedSignals signals) {
        signals.override(Map.of(HostSignal.INTERNET, false));
        List<BackgroundTaskCompletedEventArgs> completions = new CopyOnWriteArrayList<>();
        try (Broker broker = startBroker();
             BackgroundTasks app = BackgroundTasks.inProcess(broker, "com.example.sync", Runnable::run, Map.of())) {
            app.executionManager().requestAccess().join();
            BackgroundTaskRegistration sync = app.newTask().name("sync")
                    .command(List.of("/bin/sh", "-c", "echo syncing notes"))
                    .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
                    .setTrigger(app.applicationTrigger()).register();
            sync.onCompleted(completions::add);

            assertThat(app.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
            assertThat(HOST.processes()).as("offline: the task waits").isEmpty();

            RIG.satisfy(SystemConditionType.INTERNET_AVAILABLE);
            assertThat(HOST.processes()).as("online: the task runs").hasSize(1);
            FakeProcess run = HOST.lastProcess();
            assertThat(run.spec().command()).endsWith("echo syncing notes");

            broker.reportResult(run.runToken(), null, null);
            run.exit(0);
            assertThat(completions).singleElement().extracting(BackgroundTaskCompletedEventArgs::outcome)
                    .isEqualTo(TaskOutcome.SUCCEEDED);
        }
    }

    @Test
    @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
    void theRigsOverridesEndWithEachTest() {
        // Whatever ran before, no override is left over: the condition holds on the fake host as it is.
        assertThat(RIG.signals().overrides().known()).isEmpty();
        assertThat(RIG.holds(SystemConditionType.INTERNET_AVAILABLE)).isTrue();
    }
}
