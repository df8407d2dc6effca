package dev.bgtasks.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC B7 for a broker without logback: its stderr, appended to broker.log, is rotated by copy and truncate. */
class StdioLogRotationTest {
    private static final BrokerLog SMALL = new BrokerLog(64 * 1024, 3);

    @TempDir
    Path dir;

    @Test
    void aLogPastItsLimitIsCopiedAsideAndTheOpenStreamWritesOnAtItsStart() throws Exception { // SPEC B7
        Path log = dir.resolve("broker.log");
        // As BrokerStarter's redirect opens it: to append, and kept open by the broker's JVM.
        try (FileOutputStream stderr = new FileOutputStream(log.toFile(), true)) {
            stderr.write("a".repeat(70 * 1024).getBytes(StandardCharsets.US_ASCII));
            assertThat(StdioLogRotation.rotateIfOver(log, SMALL)).isTrue();
            stderr.write("after\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.readString(log)).isEqualTo("after\n");
        assertThat(Files.size(dir.resolve("broker.log.1"))).isEqualTo(70 * 1024);
    }

    @Test
    void aLogWithinItsLimitIsLeftAlone() throws Exception { // SPEC B7
        Path log = dir.resolve("broker.log");
        Files.writeString(log, "small\n");
        assertThat(StdioLogRotation.rotateIfOver(log, SMALL)).isFalse();
        assertThat(Files.readString(log)).isEqualTo("small\n");
        assertThat(dir.resolve("broker.log.1")).doesNotExist();
    }

    @Test
    void onlyTheConfiguredNumberOfFilesIsKept() throws Exception { // SPEC B7
        Path log = dir.resolve("broker.log");
        for (char c : "xyzw".toCharArray()) {
            Files.writeString(log, String.valueOf(c).repeat(65 * 1024));
            assertThat(StdioLogRotation.rotateIfOver(log, SMALL)).isTrue();
        }
        // 3 files in all: broker.log and two archives, the newest first.
        assertThat(Files.readString(dir.resolve("broker.log.1"))).startsWith("w");
        assertThat(Files.readString(dir.resolve("broker.log.2"))).startsWith("z");
        assertThat(dir.resolve("broker.log.3")).doesNotExist();
        assertThat(Files.size(log)).isZero();
    }
}
