package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.daemon.BrokerLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC B1: one broker per user, however many apps ask for it at once. */
class BrokerStartTest {
    private static List<ProcessHandle> brokersOf(Path home) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("dev.bgtasks.daemon.BrokerDaemon")
                        && c.contains(home.toString())).orElse(false))
                .toList();
    }

    @Test
    void concurrentFirstCallsStartExactlyOneBroker() throws Exception { // SPEC B1
        Path home = TempHome.create();
        List<Process> apps = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                apps.add(JavaProcess.start(home, AppMain.class, "access", "com.example.app" + i));
            }
            for (Process app : apps) {
                assertThat(JavaProcess.output(app, 90)).contains("ACCESS ALLOWED_SUBJECT_TO_SYSTEM_POLICY");
            }
            List<ProcessHandle> brokers = brokersOf(home);
            assertThat(brokers).hasSize(1);
            long pid = Long.parseLong(Files.readString(BrokerLocation.underHome(home).pidFile()).trim());
            assertThat(brokers.get(0).pid()).isEqualTo(pid);
            // Detached: the broker is not a child of any app, and outlives them all.
            assertThat(brokers.get(0).parent().map(ProcessHandle::pid).orElse(-1L))
                    .isNotIn(apps.stream().map(Process::pid).toList());
            assertThat(brokers.get(0).isAlive()).isTrue();
        } finally {
            apps.forEach(Process::destroyForcibly);
            brokersOf(home).forEach(p -> {
                p.destroy();
                p.onExit().join();
            });
            apps.forEach(app -> app.onExit().join());
            TempHome.delete(home);
        }
    }
}
