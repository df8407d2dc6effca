package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.nativetests.TempHome;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The broker daemon runs inside a fresh network namespace, so the routes the test adds and removes there are its
 * whole view of the internet: a pending INTERNET_AVAILABLE task starts when a default route appears, and is
 * cancelled with CONDITION_LOSS when it goes.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class LinuxBrokerNamespaceTest {
    private static final String APP = "com.example.net";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aPendingTaskStartsWhenTheRouteAppearsAndIsCancelledWhenItGoes() throws Exception { // SPEC T7, X8
        try (NetlinkNamespace ns = NetlinkNamespace.create()) {
            ns.vethWithAddress();
            Path home = TempHome.create();
            BrokerLocation where = BrokerLocation.underHome(home);
            Process daemon = startDaemonIn(ns, where, home);
            BrokerClient client = null;
            try {
                client = connect(where, daemon);
                client.requestAccess(APP);
                client.register(APP, new TaskDefinition("fetch", "", new TaskTarget.Command(
                        List.of("/bin/sleep", "60")), Set.of(SystemConditionType.INTERNET_AVAILABLE), true,
                        ResourceLimits.defaults(), false, Duration.ofSeconds(1), null));
                BlockingQueue<AppEvent> events = new LinkedBlockingQueue<>();
                client.subscribe(APP, events::add);
                assertThat(client.signals().is(HostSignal.INTERNET, false)).as("no route: no internet").isTrue();
                TriggerResponse r = client.requestTrigger(
                        new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()), null));
                assertThat(r.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
                BrokerClient c = client;
                assertThat(instance(c, r.instanceId()).state()).isEqualTo(InstanceState.PENDING);

                NetlinkNamespace.Run add = ns.ip("route", "add", "default", "via", "10.200.0.1", "dev", "v0");
                await(() -> instance(c, r.instanceId()).state() == InstanceState.RUNNING, "the task to start");
                double startMillis = (System.nanoTime() - add.returnNanos()) / 1e6;
                System.out.printf("[netns] route added -> task running seen after %.1f ms (polled)%n", startMillis);
                assertThat(startMillis).as("started on the route event, not on a timer").isLessThan(5_000);

                ns.ip("route", "del", "default");
                AppEvent.Canceled canceled = awaitCancel(events, r.instanceId());
                assertThat(canceled.reason()).isEqualTo(BackgroundTaskCancellationReason.CONDITION_LOSS);
                await(() -> instance(c, r.instanceId()).state() == InstanceState.COMPLETED, "the task to end");
            } finally {
                if (client != null) {
                    for (InstanceInfo i : client.instances(APP)) {
                        if (i.pid() != null) {
                            ProcessHandle.of(i.pid()).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                    client.close();
                }
                daemon.destroy();
                if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                TempHome.delete(home);
            }
        }
    }

    /** The broker daemon of {@code where}, started inside {@code ns}; its output goes to {@code home}/daemon.out. */
    static Process startDaemonIn(NetlinkNamespace ns, BrokerLocation where, Path home) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder("ip", "netns", "exec", ns.name(), java, "-cp",
                System.getProperty("java.class.path"), "dev.bgtasks.daemon.BrokerDaemon",
                where.runtimeDirectory().toString(), where.stateDirectory().toString(),
                where.logDirectory().toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("daemon.out").toFile()).start();
    }

    /** Connects to the daemon once its socket answers; fails when it exits first or after 30 s. */
    static BrokerClient connect(BrokerLocation where, Process daemon) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (Files.exists(where.socket())) {
                try {
                    return BrokerClient.connect(where.socket());
                } catch (IOException notYet) {
                    // bound but not accepting yet
                }
            }
            if (!daemon.isAlive() || System.nanoTime() > end) {
                throw new AssertionError("the broker in the namespace did not answer; it "
                        + (daemon.isAlive() ? "is still starting" : "exited " + daemon.exitValue()));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static InstanceInfo instance(BrokerClient client, UUID id) {
        return client.instances(APP).stream().filter(i -> i.instanceId().equals(id)).findFirst().orElseThrow();
    }

    private static AppEvent.Canceled awaitCancel(BlockingQueue<AppEvent> events, UUID id) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            AppEvent e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e instanceof AppEvent.Canceled c && c.instanceId().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no cancellation within " + WAIT);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }
}
