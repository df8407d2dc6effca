package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * SPEC A5 on the real broker and its real file watcher: a broken admin policy never lifts a denial, a broker that
 * starts with one denies every app, and fixing the file lifts it at once.
 */
@DisabledOnOs(OS.WINDOWS) // the broker is started with /bin/sleep tasks and a /tmp home
class PolicyFailsClosedNativeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String DENIED = "com.example.denied";
    private static final String OK = "com.example.ok";
    private Path home;
    private Path policy;
    private RealBroker broker;
    private final List<RealBroker> started = new java.util.ArrayList<>();

    @BeforeEach
    void home() throws Exception {
        home = TempHome.create();
        policy = Files.createDirectory(home.resolve("policy")).resolve("policy.json");
    }

    @AfterEach
    void stop() throws Exception {
        // The newest first: it kills the broker and the tasks; the older ones only close their clients.
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        TempHome.delete(home);
    }

    /** As an admin's editor does: a new file moved over the old one. */
    private void writePolicy(String text) throws Exception {
        Path next = Files.writeString(policy.resolveSibling("policy.json.new"), text);
        Files.move(next, policy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The broker is started by an app process with BGTASKS_POLICY set, as an app on that machine would. */
    private String appStartsTheBroker(String appId) throws Exception {
        String out = JavaProcess.output(JavaProcess.start(home, Map.of("BGTASKS_POLICY", policy.toString()),
                AppMain.class, "access", appId), 60);
        broker = new RealBroker(home);
        started.add(broker);
        return out;
    }

    private void awaitStatus(String appId, BackgroundAccessStatus status) {
        RealBroker.await(() -> broker.client().accessStatus(appId) == status, DEADLINE,
                appId + " to be " + status);
    }

    @Test
    void aMalformedPolicyKeepsTheLastGoodOneAndTheFixTakesEffectAtOnce() throws Exception { // SPEC A5, A4
        writePolicy("{\"deniedApps\": [\"" + DENIED + "\"]}");
        assertThat(appStartsTheBroker(DENIED)).contains("ACCESS DENIED_BY_SYSTEM_POLICY");
        assertThat(broker.client().requestAccess(OK)).isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);

        writePolicy("{\"deniedApps\": [\"" + DENIED + "\""); // one typo
        RealBroker.await(() -> logHas("is malformed", "last good policy stays in force"), DEADLINE,
                "the broker to log the malformed policy");
        assertThat(broker.log()).contains(policy.toString());

        assertThat(broker.client().requestAccess(DENIED)).isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        assertThat(broker.client().accessStatus(OK)).isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);

        writePolicy("{\"deniedApps\": []}");
        awaitStatus(DENIED, BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
        assertThat(broker.log()).contains("is good again");
    }

    @Test
    void aBrokerStartingWithAMalformedPolicyDeniesEveryAppAndCancelsTheirTasksUntilTheFix() throws Exception {
        // SPEC A5, A4
        writePolicy("{\"deniedApps\": []}");
        assertThat(appStartsTheBroker(OK)).contains("ACCESS ALLOWED_SUBJECT_TO_SYSTEM_POLICY");
        broker.client().register(OK, new TaskDefinition("sleep", "", new TaskTarget.Command(
                List.of("/bin/sleep", "300")), Set.of(), false, ResourceLimits.defaults(), false,
                Duration.ofSeconds(1), null));
        TriggerResponse r = broker.client().requestTrigger(new TriggerRequest(OK, "", new byte[0], null));
        assertThat(r.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        UUID id = r.instanceId();
        long pid = broker.awaitState(OK, id, InstanceState.RUNNING, DEADLINE).pid();
        broker.track(pid);

        broker.kill9(); // the task goes on
        writePolicy("not json");
        String out = appStartsTheBroker("com.example.new");
        broker.track(pid);

        assertThat(out).contains("ACCESS DENIED_BY_SYSTEM_POLICY");
        assertThat(broker.log()).contains(policy.toString()).contains("is malformed")
                .contains("every app is denied until it is fixed");
        assertThat(broker.client().accessStatus(OK)).isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        InstanceInfo done = broker.awaitState(OK, id, InstanceState.COMPLETED, DEADLINE);
        assertThat(done.cancelReason()).isEqualTo(BackgroundTaskCancellationReason.SYSTEM_POLICY);
        // Its parent was the killed broker: the process is gone once whoever adopted it has reaped it.
        RealBroker.await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), DEADLINE,
                "the cancelled task " + pid + " to be gone");

        writePolicy("{\"deniedApps\": []}");
        awaitStatus(OK, BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
        awaitStatus("com.example.new", BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
        assertThat(broker.client().requestTrigger(new TriggerRequest(OK, "", new byte[0], null)).result())
                .isEqualTo(ApplicationTriggerResult.ALLOWED);
    }

    private boolean logHas(String... parts) {
        try {
            String log = broker.log();
            for (String part : parts) {
                if (!log.contains(part)) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
