package dev.bgtasks.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

/** The systemd user manager's environment, as {@code systemctl --user show-environment} prints it (SPEC S5). */
class LoginEnvironmentTest {
    @Test
    void plainAndQuotedValuesAreReadAndUnreadableLinesLeftOut() { // SPEC S5
        String output = "HOME=/home/ann\n"
                + "LANG=en_US.UTF-8\n"
                + "PATH=/usr/local/bin:/usr/bin:/bin\n"
                + "GREETING=$'hello world\\n\\ttabbed \\'quoted\\''\n"
                + "ODD=$'\\x41'\n"
                + "not a variable\n"
                + "=no name\n"
                + "EMPTY=\n";
        assertThat(LoginEnvironment.parse(output)).containsExactly(
                entry("HOME", "/home/ann"), entry("LANG", "en_US.UTF-8"),
                entry("PATH", "/usr/local/bin:/usr/bin:/bin"), entry("GREETING", "hello world\n\ttabbed 'quoted'"),
                entry("EMPTY", ""));
    }

    @Test
    void withoutAUserManagerThereAreNoLoginDefaults(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        // SPEC S5: no $XDG_RUNTIME_DIR/systemd/private here
        assertThat(LoginEnvironment.read(java.util.Map.of("XDG_RUNTIME_DIR", dir.toString()))).isEmpty();
        assertThat(LoginEnvironment.read(java.util.Map.of())).isEmpty();
    }
}
