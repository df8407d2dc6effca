package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.linux.LinuxPlatform;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The broker on the Linux platform, with its system services played by fakes on a private D-Bus daemon: the real
 * interfaces of power-profiles-daemon, NetworkManager and logind gate and cancel real task processes in cgroups.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class LinuxBrokerDBusTest extends DBusFixture {
    private static final String APP = "com.example.rig";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private LinuxPlatform platform;
    private Broker broker;
    private final BlockingQueue<AppEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void startBroker() {
        // DISPLAY set: presence comes from logind alone, not from the headless fallback.
        platform = new LinuxPlatform(Map.of("DBUS_SYSTEM_BUS_ADDRESS", bus.pathAddress(), "DISPLAY", ":0",
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        broker = Broker.start(BrokerConfig.builder().home(dir.resolve("state")).platform(platform)
                .policyFile(dir.resolve("policy.json")).environment(Map.of("PATH", "/usr/bin:/bin")).build());
        broker.subscribe(APP, events::add);
        broker.requestAccess(APP);
    }

    @AfterEach
    void stopBroker() throws Exception {
        for (InstanceInfo i : broker.instances(APP)) {
            if (i.pid() != null) {
                ProcessHandle.of(i.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        await(() -> broker.instances(APP).stream().noneMatch(x -> x.state() == InstanceState.RUNNING),
                "every task to end");
        broker.close();
        platform.signals().close();
        if (platform.sandbox() instanceof AutoCloseable sandbox) {
            sandbox.close();
        }
    }

    private void register(String trigger, SystemConditionType... conditions) {
        broker.register(APP, new TaskDefinition(trigger, trigger, new TaskTarget.Command(List.of("/bin/sleep", "30")),
                Set.of(conditions), false, ResourceLimits.defaults(), false, Duration.ofSeconds(1), null));
    }

    private TriggerResponse trigger(String trigger) {
        return broker.requestTrigger(new TriggerRequest(APP, trigger, ValueMapCodec.encode(Map.of()), null));
    }

    private InstanceInfo instance(UUID id) {
        return broker.instances(APP).stream().filter(i -> i.instanceId().equals(id)).findFirst().orElseThrow();
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void powerSaverCancelsARunningTaskAndDisablesTriggers() throws Exception { // SPEC X9, T3
        FakePowerProfiles ppd = fake(FakePowerProfiles.start(bus, true, false, "balanced"));
        register("work");
        register("later");
        UUID id = trigger("work").instanceId();
        await(() -> instance(id).state() == InstanceState.RUNNING, "the task to run");

        ppd.profile("power-saver");

        AppEvent.Canceled canceled = null;
        long end = System.nanoTime() + WAIT.toNanos();
        while (canceled == null && System.nanoTime() < end) {
            AppEvent e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e instanceof AppEvent.Canceled c && c.instanceId().equals(id)) {
                canceled = c;
            }
        }
        assertThat(canceled).as("a cancellation").isNotNull();
        assertThat(canceled.reason()).isEqualTo(BackgroundTaskCancellationReason.ENERGY_SAVER);
        assertThat(trigger("later").result()).isEqualTo(ApplicationTriggerResult.DISABLED_BY_POLICY);

        ppd.profile("balanced");
        await(() -> !broker.signals().is(dev.bgtasks.spi.HostSignal.ENERGY_SAVER, true), "energy saver off");
        assertThat(trigger("later").result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
    }

    @Test
    void meteredGatesFreeNetworkAvailable() throws Exception { // SPEC T7 over NetworkManager's Metered
        FakeNetworkManager nm = fake(FakeNetworkManager.start(bus, 4, 1));
        await(() -> broker.signals().is(dev.bgtasks.spi.HostSignal.UNMETERED_NETWORK, false), "metered");
        register("sync", SystemConditionType.FREE_NETWORK_AVAILABLE);
        UUID id = trigger("sync").instanceId();
        assertThat(instance(id).state()).isEqualTo(InstanceState.PENDING);
        assertThat(instance(id).waitingFor()).contains(SystemConditionType.FREE_NETWORK_AVAILABLE);

        nm.metered(2);
        await(() -> instance(id).state() == InstanceState.RUNNING, "the task to start on an unmetered network");
    }

    @Test
    void idleHintGatesUserNotPresent() throws Exception { // SPEC T7 over logind's IdleHint
        FakeLogind logind = fake(FakeLogind.start(bus, ownUid(), true));
        FakeLogind.SessionObject session = logind.addSession("1", true, false);
        logind.display("1");
        register("index", SystemConditionType.USER_NOT_PRESENT);
        UUID id = trigger("index").instanceId();
        assertThat(instance(id).state()).isEqualTo(InstanceState.PENDING);

        session.set("IdleHint", true);
        await(() -> instance(id).state() == InstanceState.RUNNING, "the task to start once the user is idle");
    }
}
