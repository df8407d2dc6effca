package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerSpec;
import dev.bgtasks.daemon.BrokerDaemon;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code MaintenanceTrigger} on a real broker daemon and real task processes: its fire, due on (simulated)
 * battery, waits for AC power and then runs. The daemon allows a 1 s period, the test-rig setting
 * ({@code BGTASKS_MINIMUM_FRESHNESS_SECONDS}), so the schedule falls due within the test.
 */
@Timeout(120)
class MaintenanceTriggerNativeTest {
    private static final String APP = "com.example.nightly";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static TaskDefinition oneShot(String name, TriggerSpec trigger) {
        return new TaskDefinition(name, "", new TaskTarget.Command(List.of("/bin/true")), Set.of(), false,
                ResourceLimits.defaults(), false, Duration.ofSeconds(1), null, trigger);
    }

    private static List<InstanceInfo> instancesOf(RealBroker broker, UUID taskId) {
        return broker.client().instances(APP).stream().filter(i -> i.taskId().equals(taskId)).toList();
    }

    @Test
    void aMaintenanceFireDueOnBatteryWaitsForAcPowerThenRuns() throws Exception { // SPEC Y2, Y1, Y4
        try (RealBroker broker = RealBroker.withEnvironment(
                Map.of(BrokerDaemon.MINIMUM_FRESHNESS_VARIABLE, "1"))) {
            broker.client().requestAccess(APP);
            broker.client().simulate(Map.of(HostSignal.AC_POWER, false));
            RegistrationInfo maintenance = broker.client().register(APP,
                    oneShot("nightly", TriggerSpec.maintenance(Duration.ofSeconds(1), true)));
            // The witness: a time trigger of the same period registered after it, so it falls due later. The
            // schedule pass that fires it also passes the maintenance schedule, which is due by then.
            RegistrationInfo witness = broker.client().register(APP,
                    oneShot("witness", TriggerSpec.time(Duration.ofSeconds(1), true)));
            RealBroker.await(() -> instancesOf(broker, witness.taskId()).stream()
                    .anyMatch(i -> i.state() == InstanceState.COMPLETED), WAIT, "the time trigger's run");
            assertThat(instancesOf(broker, maintenance.taskId())).as("on battery the maintenance fire waits")
                    .isEmpty();

            broker.client().simulate(Map.of(HostSignal.AC_POWER, true));
            RealBroker.await(() -> instancesOf(broker, maintenance.taskId()).stream()
                    .anyMatch(i -> i.state() == InstanceState.COMPLETED), WAIT, "the maintenance run on AC");
            List<InstanceInfo> runs = instancesOf(broker, maintenance.taskId());
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
            assertThat(broker.client().registrations(APP).stream()
                    .filter(r -> r.taskId().equals(maintenance.taskId())).findFirst().orElseThrow().nextFireAt())
                    .as("a one-shot is spent").isNull();
        }
    }
}
