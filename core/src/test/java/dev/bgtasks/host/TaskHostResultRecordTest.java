package dev.bgtasks.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.ipc.BrokerServer;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task host writes how {@code run} ended to the instance's result record before it reports it (SPEC B5), so a
 * broker that dies after hearing it, or is away when it ends, leaves the next broker the true outcome.
 */
class TaskHostResultRecordTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BrokerServer server;
    private Path socket;

    /** A task whose run throws. */
    public static final class Failing implements BackgroundTask {
        @Override
        public void run(BackgroundTaskInstance task) {
            throw new IllegalStateException("no space left for the export");
        }
    }

    @BeforeEach
    void start() throws Exception {
        h = new BrokerHarness(dir);
        Path base = dir.toString().length() > 60 ? Files.createTempDirectory(Path.of("/tmp"), "bgt") : dir;
        socket = base.resolve("run").resolve("b.sock");
        server = BrokerServer.start(h.broker(), socket);
        h.broker().requestAccess(APP);
        h.broker().register(APP, new TaskDefinition("export", "", new TaskTarget.JavaEntryPoint(
                Failing.class.getName(), BrokerHarness.testClasspath()), Set.of(), false,
                ResourceLimits.defaults(), false, Duration.ofSeconds(5), null));
    }

    @AfterEach
    void stop() {
        server.close();
        h.close();
    }

    @Test
    void theResultIsRecordedBeforeItIsReported() { // SPEC B5, X4
        assertThat(h.broker().requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()), null))
                .result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        FakeProcess process = h.platform.lastProcess();
        Map<String, String> env = new java.util.HashMap<>(process.spec().environment());
        env.put("BGTASKS_SOCKET", socket.toString());
        Path record = Path.of(env.get(TaskEndRecords.RESULT_FILE_VARIABLE));
        assertThat(record).isEqualTo(TaskEndRecords.resultFile(h.config().instanceLog(
                h.broker().instances(APP).get(0).instanceId())).toAbsolutePath());

        int code = TaskHost.run(new String[] {Failing.class.getName()}, env);

        assertThat(code).isEqualTo(TaskHost.EXIT_FAILED);
        assertThat(TaskEndRecords.readResult(record)).hasValueSatisfying(r -> {
            assertThat(r.errorClass()).isEqualTo(IllegalStateException.class.getName());
            assertThat(r.errorMessage()).isEqualTo("no space left for the export");
        });
        // The broker heard it too; the record goes once the broker has stored the end.
        process.exit(code);
        assertThat(h.broker().instances(APP).get(0).outcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(h.broker().instances(APP).get(0).errorMessage()).isEqualTo("no space left for the export");
        assertThat(record).doesNotExist();
    }
}
