package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC P2: a task's result map reaches the app with the completion, also later (X5). */
class ResultsTest {
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

    private static Map<String, Object> typedResult() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rows", 1200);
        result.put("bytes", 3L << 40);
        result.put("file", "/tmp/out.csv");
        result.put("at", Instant.parse("2026-01-02T03:04:05.123456789Z"));
        result.put("took", Duration.ofMillis(1500));
        result.put("id", UUID.fromString("00000000-0000-0000-0000-00000000002a"));
        result.put("parts", List.of(1, "two", Map.of("three", 3.0)));
        return result;
    }

    private UUID registerJavaAndTrigger(BackgroundTasks bg) {
        bg.executionManager().requestAccess().join();
        UUID taskId = bg.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .setTrigger(bg.applicationTrigger()).register().taskId();
        bg.applicationTrigger().requestAsync().join();
        return taskId;
    }

    @Test
    void theCompletionCarriesTheResultWithItsJavaTypes() { // SPEC P2
        try (BackgroundTasks bg = h.app(APP)) {
            UUID taskId = registerJavaAndTrigger(bg);
            List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
            bg.allTasks().get(taskId).onCompleted(seen::add);
            FakeProcess process = h.platform.lastProcess();
            h.broker().setResult(process.runToken(), ValueMapCodec.encode(Map.of("rows", 1)));
            h.broker().setResult(process.runToken(), ValueMapCodec.encode(typedResult())); // the last one counts
            h.succeed(process);

            assertThat(seen).singleElement().satisfies(e -> {
                assertThat(e.result()).containsExactlyEntriesOf(typedResult());
                assertThat(e.result().get("rows")).isInstanceOf(Integer.class);
                assertThat(e.result().get("bytes")).isInstanceOf(Long.class);
            });
            InstanceInfo listed = bg.instances().get(0);
            assertThat(ValueMapCodec.decode(listed.result())).containsExactlyEntriesOf(typedResult());
        }
    }

    @Test
    void aRunWithoutAResultCompletesWithAnEmptyMap() { // SPEC P2
        try (BackgroundTasks bg = h.app(APP)) {
            UUID taskId = registerJavaAndTrigger(bg);
            List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
            bg.allTasks().get(taskId).onCompleted(seen::add);
            h.succeed(h.platform.lastProcess());
            assertThat(seen).singleElement().satisfies(e -> assertThat(e.result()).isEmpty());
            assertThat(bg.instances().get(0).result()).isNull();
        }
    }

    @Test
    void aFailedRunKeepsTheResultItSetBeforeItFailed() { // SPEC P2, X4
        try (BackgroundTasks bg = h.app(APP)) {
            UUID taskId = registerJavaAndTrigger(bg);
            List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
            bg.allTasks().get(taskId).onCompleted(seen::add);
            FakeProcess process = h.platform.lastProcess();
            h.broker().setResult(process.runToken(), ValueMapCodec.encode(Map.of("done", 7)));
            h.fail(process, new IllegalStateException("disk full"));
            assertThat(seen).singleElement().satisfies(e -> {
                assertThat(e.outcome()).isEqualTo(TaskOutcome.FAILED);
                assertThat(e.result()).containsExactlyEntriesOf(Map.of("done", 7));
            });
        }
    }

    @Test
    void aResultReachesAnAppThatAttachesAfterTheBrokerRestarted() { // SPEC P2, X5
        UUID taskId;
        FakeProcess process;
        try (BackgroundTasks bg = h.app(APP)) {
            taskId = registerJavaAndTrigger(bg);
            process = h.platform.lastProcess();
        }
        h.broker().attachHost(process.runToken(), r -> { });
        h.broker().setResult(process.runToken(), ValueMapCodec.encode(typedResult()));
        h.restart(); // stored at once: the re-adopted task completes under the next broker
        h.broker().attachHost(process.runToken(), r -> { });
        h.succeed(process);
        h.restart();

        try (BackgroundTasks bg = h.app(APP)) {
            List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
            bg.allTasks().get(taskId).onCompleted(seen::add);
            assertThat(seen).singleElement()
                    .satisfies(e -> assertThat(e.result()).containsExactlyEntriesOf(typedResult()));
        }
    }

    @Test
    void theBrokerRefusesAResultOverTheBoundOrNotAValueMap() { // SPEC P2, T6
        try (BackgroundTasks bg = h.app(APP)) {
            registerJavaAndTrigger(bg);
            String token = h.platform.lastProcess().runToken();
            byte[] tooLarge = new byte[ValueMapCodec.MAX_ENCODED_BYTES + 1];
            assertThatThrownBy(() -> h.broker().setResult(token, tooLarge))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
            assertThatThrownBy(() -> h.broker().setResult(token, "{\"rows\":1}".getBytes()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> h.broker().setResult("not-a-token", ValueMapCodec.encode(Map.of())))
                    .isInstanceOf(IllegalArgumentException.class); // SPEC S2
            assertThat(bg.instances().get(0).result()).isNull();
        }
    }
}
