package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task processes are found by the environment the broker gave them, as the sandbox finds them. */
class TaskProcessesTest {
    private static void process(Path proc, long pid, String state, String... env) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("environ"), (String.join("\0", env) + "\0").getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("status"), "Name:\tsleep\nState:\t" + state + "\nPid:\t" + pid + "\n");
    }

    @Test
    void findsTheLiveTasksOfOneBrokerOnly(@TempDir Path proc) throws Exception {
        process(proc, 10, "S (sleeping)", "PATH=/bin", "BGTASKS_SOCKET=/tmp/a/run/broker.sock",
                "BGTASKS_INSTANCE_ID=i-1", "BGTASKS_RUN_TOKEN=secret");
        process(proc, 11, "R (running)", "BGTASKS_SOCKET=/tmp/a/run/broker.sock", "BGTASKS_INSTANCE_ID=i-2");
        process(proc, 12, "Z (zombie)", "BGTASKS_SOCKET=/tmp/a/run/broker.sock", "BGTASKS_INSTANCE_ID=i-3");
        process(proc, 13, "S (sleeping)", "BGTASKS_SOCKET=/tmp/b/run/broker.sock", "BGTASKS_INSTANCE_ID=i-4");
        // A prefix of the socket path is another broker's socket.
        process(proc, 14, "S (sleeping)", "BGTASKS_SOCKET=/tmp/a/run/broker.sock.old", "BGTASKS_INSTANCE_ID=i-5");
        Files.createDirectories(proc.resolve("self"));

        assertThat(new TaskProcesses(proc).withSocket(Path.of("/tmp/a/run/broker.sock")))
                .containsOnlyKeys(10L, 11L).containsEntry(10L, "i-1").containsEntry(11L, "i-2");
    }

    @Test
    void environmentEntriesSplitAtTheFirstEqualsSign() {
        byte[] environ = "A=1\0B=x=y\0\0NOEQUALS\0C=".getBytes(StandardCharsets.UTF_8);

        assertThat(TaskProcesses.parseEnvironment(environ)).containsEntry("A", "1").containsEntry("B", "x=y")
                .containsEntry("C", "").doesNotContainKey("NOEQUALS");
    }
}
