package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private BackgroundTaskRegistration registerCommandTask(BackgroundTasks bg) {
        return bg.newTask().name("sync").command(List.of("/bin/true")).setTrigger(bg.applicationTrigger())
                .register();
    }

    @Test
    void statusIsUnspecifiedBeforeAnyRequest() { // SPEC A1
        try (BackgroundTasks bg = h.app(APP)) {
            assertThat(bg.executionManager().getAccessStatus()).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
            assertThat(BackgroundAccessStatus.UNSPECIFIED.isDenied()).isTrue();
        }
    }

    @Test
    void requestWithoutSettingsGivesAllowedSubjectToSystemPolicy() { // SPEC A2
        try (BackgroundTasks bg = h.app(APP)) {
            assertThat(bg.executionManager().requestAccess().join())
                    .isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
            assertThat(bg.executionManager().getAccessStatus())
                    .isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
        }
    }

    @Test
    void requestFollowsTheUsersSetting() { // SPEC A2
        h.broker().setUserAccess(APP, UserAccessSetting.ALWAYS);
        h.broker().setUserAccess("com.example.other", UserAccessSetting.DENY);
        try (BackgroundTasks bg = h.app(APP); BackgroundTasks other = h.app("com.example.other")) {
            assertThat(bg.executionManager().requestAccess().join()).isEqualTo(BackgroundAccessStatus.ALWAYS_ALLOWED);
            assertThat(other.executionManager().requestAccess().join())
                    .isEqualTo(BackgroundAccessStatus.DENIED_BY_USER);
        }
    }

    @Test
    void adminPolicyWinsOverTheUser() throws Exception { // SPEC A2
        Files.writeString(h.policyFile, "{\"deniedApps\": [\"com.example.notes\"]}");
        h.broker().reloadPolicy();
        h.broker().setUserAccess(APP, UserAccessSetting.ALWAYS);
        try (BackgroundTasks bg = h.app(APP)) {
            assertThat(bg.executionManager().requestAccess().join())
                    .isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        }
    }

    @Test
    void adminPolicyPrefixDeniesEveryAppUnderIt() throws Exception { // SPEC A2
        Files.writeString(h.policyFile, "{\"deniedApps\": [\"org.example.*\"]}");
        h.broker().reloadPolicy();
        assertThat(h.broker().requestAccess("org.example.tool")).isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        assertThat(h.broker().requestAccess("org.examples")).isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
    }

    @Test
    void aMalformedPolicyKeepsTheLastGoodOneInForceAndSaysSo() throws Exception { // SPEC A5
        Files.writeString(h.policyFile, "{\"deniedApps\": [\"com.example.notes\"]}");
        h.broker().reloadPolicy();
        assertThat(h.broker().requestAccess(APP)).isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);

        Files.writeString(h.policyFile, "{\"deniedApps\": \"com.example.notes\""); // one typo
        h.broker().reloadPolicy();

        assertThat(h.broker().policy().error()).get().asString()
                .contains(h.policyFile.toString()).contains("malformed").contains("last good policy stays in force");
        assertThat(h.broker().accessStatus(APP)).isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        assertThat(h.broker().requestAccess(APP)).isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        assertThat(h.broker().requestAccess("com.example.other"))
                .isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
    }

    @Test
    void anUnreadablePolicyKeepsTheLastGoodOneInForce() throws Exception { // SPEC A5
        Files.writeString(h.policyFile, "{\"deniedApps\": [\"com.example.notes\"]}");
        h.broker().reloadPolicy();
        Files.delete(h.policyFile);
        Files.createDirectory(h.policyFile); // unreadable as a file, whoever the tests run as

        h.broker().reloadPolicy();

        assertThat(h.broker().policy().error()).get().asString().contains(h.policyFile.toString())
                .contains("unreadable");
        assertThat(h.broker().requestAccess(APP)).isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
    }

    @Test
    void aBrokerStartingWithAMalformedPolicyDeniesEveryAppAndCancelsTheirTasksUntilItIsFixed() throws Exception {
        // SPEC A5, A4
        List<BackgroundTaskCompletedEventArgs> done = new ArrayList<>();
        FakeProcess running;
        try (BackgroundTasks bg = h.app(APP)) {
            bg.executionManager().requestAccess().join();
            bg.newTask().name("sleep").command(List.of("/bin/sleep", "60")).setTrigger(bg.applicationTrigger())
                    .register();
            bg.applicationTrigger().requestAsync().join();
            running = h.platform.lastProcess();
        }
        h.broker().requestAccess("com.example.other");
        Files.writeString(h.policyFile, "not json");

        h.restart(); // takes the running command task back, with no good policy to keep

        assertThat(h.broker().policy().deniesEveryApp()).isTrue();
        assertThat(h.broker().policy().error()).get().asString().contains(h.policyFile.toString())
                .contains("malformed").contains("every app is denied until it is fixed");
        assertThat(h.broker().accessStatus(APP)).isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        assertThat(h.broker().accessStatus("com.example.other"))
                .isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        assertThat(h.broker().requestAccess("com.example.new"))
                .isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
        assertThat(running.terminateCalls()).isEqualTo(1);
        try (BackgroundTasks bg = h.app(APP)) {
            bg.allTasks().values().forEach(reg -> reg.onCompleted(done::add));
            running.exit(143);
            assertThat(done).singleElement().satisfies(e ->
                    assertThat(e.cancellationReason()).contains(BackgroundTaskCancellationReason.SYSTEM_POLICY));
            assertThat(bg.applicationTrigger().requestAsync().join())
                    .isEqualTo(ApplicationTriggerResult.DISABLED_BY_POLICY);

            Files.writeString(h.policyFile, "{\"deniedApps\": []}");
            h.broker().reloadPolicy(); // what the file watcher does on the fix

            assertThat(h.broker().policy().error()).isEmpty();
            assertThat(bg.executionManager().getAccessStatus())
                    .isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
            assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        }
    }

    @Test
    void accessSurvivesABrokerRestart() { // SPEC A2
        h.broker().setUserAccess(APP, UserAccessSetting.ALWAYS);
        h.broker().requestAccess(APP);
        h.restart();
        assertThat(h.broker().accessStatus(APP)).isEqualTo(BackgroundAccessStatus.ALWAYS_ALLOWED);
    }

    @Test
    void removeAccessResetsStatusAndUnregistersWithAbort() { // SPEC A3
        try (BackgroundTasks bg = h.app(APP)) {
            bg.executionManager().requestAccess().join();
            BackgroundTaskRegistration reg = registerCommandTask(bg);
            assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
            FakeProcess process = h.platform.lastProcess();
            AtomicReference<BackgroundTaskCompletedEventArgs> done = new AtomicReference<>();
            reg.onCompleted(done::set);

            bg.executionManager().removeAccess();

            assertThat(bg.executionManager().getAccessStatus()).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
            assertThat(bg.allTasks()).isEmpty();
            assertThat(process.terminateCalls()).isEqualTo(1);
            process.exit(143);
            assertThat(done.get().cancellationReason()).contains(BackgroundTaskCancellationReason.ABORT);
        }
    }

    @Test
    void userDenyTakesEffectAtOnceAndCancelsWithSystemPolicy() { // SPEC A4
        try (BackgroundTasks bg = h.app(APP)) {
            bg.executionManager().requestAccess().join();
            BackgroundTaskRegistration reg = registerCommandTask(bg);
            List<BackgroundTaskCompletedEventArgs> done = new ArrayList<>();
            reg.onCompleted(done::add);
            bg.applicationTrigger().requestAsync().join();

            h.broker().setUserAccess(APP, UserAccessSetting.DENY);

            assertThat(bg.executionManager().getAccessStatus()).isEqualTo(BackgroundAccessStatus.DENIED_BY_USER);
            h.platform.lastProcess().exit(143);
            assertThat(done).singleElement().satisfies(e ->
                    assertThat(e.cancellationReason()).contains(BackgroundTaskCancellationReason.SYSTEM_POLICY));
            assertThat(bg.applicationTrigger().requestAsync().join())
                    .isEqualTo(ApplicationTriggerResult.DISABLED_BY_POLICY);
        }
    }

    @Test
    void adminDenyTakesEffectAtOnceAndCancelsWithSystemPolicy() throws Exception { // SPEC A4
        try (BackgroundTasks bg = h.app(APP)) {
            bg.executionManager().requestAccess().join();
            BackgroundTaskRegistration reg = registerCommandTask(bg);
            List<BackgroundTaskCompletedEventArgs> done = new ArrayList<>();
            reg.onCompleted(done::add);
            bg.applicationTrigger().requestAsync().join();

            Files.writeString(h.policyFile, "{\"deniedApps\": [\"com.example.notes\"]}");
            h.broker().reloadPolicy();

            assertThat(bg.executionManager().getAccessStatus())
                    .isEqualTo(BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY);
            h.platform.lastProcess().exit(143);
            assertThat(done).singleElement().satisfies(e ->
                    assertThat(e.cancellationReason()).contains(BackgroundTaskCancellationReason.SYSTEM_POLICY));
        }
    }

    @Test
    void alwaysAllowedFreesInstancesHeldBackByEnergySaver() { // SPEC A4, X9
        try (BackgroundTasks bg = h.app(APP)) {
            bg.executionManager().requestAccess().join();
            registerCommandTask(bg);
            assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
            h.platform.lastProcess().exit(0);

            h.platform.set(HostSignal.ENERGY_SAVER, true);
            assertThat(bg.applicationTrigger().requestAsync().join())
                    .isEqualTo(ApplicationTriggerResult.DISABLED_BY_POLICY);
            h.broker().setUserAccess(APP, UserAccessSetting.ALWAYS);
            assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
            assertThat(h.platform.processes()).hasSize(2);
        }
    }
}
