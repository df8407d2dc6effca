package dev.bgtasks.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.SampleTasks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Sockets, definitions and event waiting shared by the ipc tests. */
final class IpcFixtures {
    static final String APP = "com.example.notes";
    static final Duration WAIT = Duration.ofSeconds(10);

    private IpcFixtures() {
    }

    /** A socket path in a directory that does not exist yet, short enough for any OS's sun_path. */
    static Path socketIn(Path tempDir) throws IOException {
        Path base = tempDir;
        if (base.toString().length() > 60) {
            base = Files.createTempDirectory(Path.of("/tmp"), "bgt");
        }
        return base.resolve("run").resolve("b.sock");
    }

    static TaskDefinition javaTask(String name, SystemConditionType... conditions) {
        return new TaskDefinition(name, "", new TaskTarget.JavaEntryPoint(SampleTasks.Valid.class.getName(),
                BrokerHarness.testClasspath()), Set.of(conditions), false, ResourceLimits.defaults(), false,
                Duration.ofSeconds(5), null);
    }

    static TaskDefinition commandTask(String name, SystemConditionType... conditions) {
        return new TaskDefinition(name, "", new TaskTarget.Command(List.of("/bin/true", "--flag")),
                Set.of(conditions), true, ResourceLimits.builder().memoryBytes(64L << 20).maxProcesses(32)
                .wallClock(Duration.ofMinutes(3)).build(), false, Duration.ofSeconds(2), null);
    }

    /** Takes events until one matches, failing after {@link #WAIT}. */
    static <T extends AppEvent> T awaitEvent(BlockingQueue<AppEvent> events, Class<T> type, Predicate<T> matches)
            throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            AppEvent event = events.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(event).as("an event %s within %s", type.getSimpleName(), WAIT).isNotNull();
            if (type.isInstance(event) && matches.test(type.cast(event))) {
                return type.cast(event);
            }
        }
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) WireJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A frame with its length prefix, from raw body bytes. */
    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static byte[] frame(String body) {
        return frame(body.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    static String helloApp() {
        return "{\"type\":\"hello\",\"version\":1,\"role\":\"app\"}";
    }

    /** A queue for events, for listeners that run on a reader thread. */
    static BlockingQueue<AppEvent> eventQueue() {
        return new LinkedBlockingQueue<>();
    }
}
