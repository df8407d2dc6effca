package dev.bgtasks.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STORAGE_LOW on Windows watches the volume of the broker's data directory. */
class WindowsDataDirectoryTest {
    @Test
    void theDataDirectoryFollowsTheSpec(@TempDir Path home) {
        // SPEC "Where things live": %LOCALAPPDATA%\bgtasks, overridable with BGTASKS_HOME.
        assertThat(WindowsSignals.dataDirectory(Map.of("LOCALAPPDATA", "/l"), home)).isEqualTo(Path.of("/l",
                "bgtasks"));
        assertThat(WindowsSignals.dataDirectory(Map.of("LOCALAPPDATA", "/l", "BGTASKS_HOME", "/b"), home))
                .isEqualTo(Path.of("/b"));
        assertThat(WindowsSignals.dataDirectory(Map.of(), home)).isEqualTo(home);
    }
}
