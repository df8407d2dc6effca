package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemTriggerType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerSpec;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.nativetests.TempHome;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A {@code SystemTrigger(INTERNET_AVAILABLE)} on real processes: the broker daemon runs inside a fresh network
 * namespace (as in {@link LinuxBrokerNamespaceTest}), so the default route the test adds there is the transition the
 * trigger fires on, read from rtnetlink like the condition, and the task is a real process.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class SystemTriggerNamespaceNativeTest {
    private static final String APP = "com.example.online";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void anInternetAvailableTriggerRunsItsTaskOnceWhenTheDefaultRouteAppears() throws Exception { // SPEC Y3, Y4
        try (NetlinkNamespace ns = NetlinkNamespace.create()) {
            ns.vethWithAddress();
            Path home = TempHome.create();
            BrokerLocation where = BrokerLocation.underHome(home);
            Process daemon = LinuxBrokerNamespaceTest.startDaemonIn(ns, where, home);
            BrokerClient client = null;
            try {
                client = LinuxBrokerNamespaceTest.connect(where, daemon);
                client.requestAccess(APP);
                BlockingQueue<AppEvent.Completed> completions = new LinkedBlockingQueue<>();
                client.subscribe(APP, e -> {
                    if (e instanceof AppEvent.Completed c) {
                        completions.add(c);
                    }
                });
                assertThat(client.signals().is(HostSignal.INTERNET, false)).as("no route: no internet").isTrue();
                // Not one-shot: that it runs once is the trigger firing once per transition, not a spent schedule.
                RegistrationInfo registration = client.register(APP, new TaskDefinition("on-line", "",
                        new TaskTarget.Command(List.of("/bin/true")), Set.of(), false, ResourceLimits.defaults(),
                        false, Duration.ofSeconds(1), null,
                        TriggerSpec.system(SystemTriggerType.INTERNET_AVAILABLE, false)));
                assertThat(client.instances(APP)).as("registering fires nothing").isEmpty();

                ns.ip("route", "add", "default", "via", "10.200.0.1", "dev", "v0");
                AppEvent.Completed done = completions.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(done).as("a completion within " + WAIT).isNotNull();
                assertThat(done.instance().taskId()).isEqualTo(registration.taskId());
                assertThat(done.instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
                // A marker after the fire: a simulated INTERNET false then true is one more transition (SPEC Y3),
                // so its second instance ending proves the broker has handled every event up to it.
                client.simulate(java.util.Map.of(HostSignal.INTERNET, false));
                client.simulate(java.util.Map.of(HostSignal.INTERNET, true));
                AppEvent.Completed marker = completions.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(marker).as("the simulated transition's completion").isNotNull();
                List<InstanceInfo> instances = client.instances(APP);
                assertThat(instances).as("one run for the route, one for the simulated transition").hasSize(2)
                        .allMatch(i -> i.state() == InstanceState.COMPLETED);
                assertThat(completions).isEmpty();
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
}
