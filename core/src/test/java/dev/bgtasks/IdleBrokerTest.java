package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.testing.BrokerHarness;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, a broker that sleeps: the broker tells the platform's signals which ones the registrations need, so the
 * free-space poll (the only signal no OS has an event for) runs only while a registration needs STORAGE_NOT_LOW.
 */
class IdleBrokerTest {
    private static final String APP = "com.example.idle";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private BackgroundTaskRegistration register(String name, SystemConditionType... conditions) {
        BackgroundTaskBuilder builder = bg.newTask().name(name).command(List.of("/bin/true"))
                .setTrigger(bg.applicationTrigger(name));
        for (SystemConditionType c : conditions) {
            builder.addCondition(new SystemCondition(c));
        }
        return builder.register();
    }

    @Test
    void freeSpaceIsNeededOnlyWhileARegistrationNeedsStorageNotLow() {
        assertThat(h.platform.signals().needed()).isEmpty();
        BackgroundTaskRegistration plain = register("plain", SystemConditionType.INTERNET_AVAILABLE);
        assertThat(h.platform.signals().needed()).containsExactly(HostSignal.INTERNET);
        BackgroundTaskRegistration backup = register("backup", SystemConditionType.STORAGE_NOT_LOW);
        assertThat(h.platform.signals().needed()).containsExactlyInAnyOrder(HostSignal.INTERNET,
                HostSignal.STORAGE_LOW);

        // A restarted broker says it again at start: the poll resumes for the registrations it finds.
        h.restart();
        assertThat(h.platform.signals().needed()).containsExactlyInAnyOrder(HostSignal.INTERNET,
                HostSignal.STORAGE_LOW);
        try (BackgroundTasks again = h.app(APP)) {
            again.allTasks().get(backup.taskId()).unregister(true);
            assertThat(h.platform.signals().needed()).containsExactly(HostSignal.INTERNET);
            again.allTasks().get(plain.taskId()).unregister(true);
        }
        assertThat(h.platform.signals().needed()).isEmpty();
    }
}
