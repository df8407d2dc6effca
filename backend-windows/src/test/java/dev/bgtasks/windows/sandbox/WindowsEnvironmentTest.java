package dev.bgtasks.windows.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Memory;
import dev.bgtasks.spi.RunToken;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 5: the CREATE_UNICODE_ENVIRONMENT block is sorted without case, NUL-separated, double-NUL ended, UTF-16. */
class WindowsEnvironmentTest {
    @Test
    void sortsByNameIgnoringCaseAndEndsInTwoNuls() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("zeta", "1");
        env.put("Path", "C:\\bin");
        env.put("ALPHA", "a=b");
        env.put("_under", "u");
        env.put("beta", "");
        assertThat(WindowsEnvironment.block(env))
                .isEqualTo("ALPHA=a=b\0beta=\0Path=C:\\bin\0zeta=1\0_under=u\0\0");
    }

    @Test
    void emptyEnvironmentIsTwoNuls() {
        assertThat(WindowsEnvironment.block(Map.of())).isEqualTo("\0\0");
    }

    @Test
    void additionReplacesInheritedNameOfOtherCase() {
        Map<String, String> merged = WindowsEnvironment.merge(Map.of("Path", "C:\\old", "TEMP", "t"),
                Map.of("PATH", "C:\\new", RunToken.ENVIRONMENT_VARIABLE, "tok"));
        assertThat(merged).containsOnlyKeys("PATH", "TEMP", RunToken.ENVIRONMENT_VARIABLE);
        assertThat(merged.get("PATH")).isEqualTo("C:\\new");
        assertThat(List.copyOf(merged.keySet())).containsExactly(RunToken.ENVIRONMENT_VARIABLE, "PATH", "TEMP");
    }

    @Test
    void driveDirectoriesKeepTheirLeadingEquals() {
        assertThat(WindowsEnvironment.block(Map.of("=C:", "C:\\work", "A", "1"))).isEqualTo("=C:=C:\\work\0A=1\0\0");
    }

    @Test
    void memoryIsUtf16LittleEndian() {
        Memory memory = WindowsEnvironment.toMemory(WindowsEnvironment.block(Map.of("É", "✓")));
        byte[] bytes = memory.getByteArray(0, (int) memory.size());
        assertThat(new String(bytes, StandardCharsets.UTF_16LE)).isEqualTo("É=✓\0\0");
        assertThat(bytes).hasSize(10);
        assertThat(bytes[0]).isEqualTo((byte) 0xC9);
        assertThat(bytes[1]).isEqualTo((byte) 0x00);
    }

    @Test
    void rejectsWhatABlockCannotCarry() {
        assertThatThrownBy(() -> WindowsEnvironment.block(Map.of("A=B", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'='");
        assertThatThrownBy(() -> WindowsEnvironment.block(Map.of("", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> WindowsEnvironment.block(Map.of("A", "x\0y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> WindowsEnvironment.block(Map.of("path", "1", "PATH", "2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ only in case");
    }
}
