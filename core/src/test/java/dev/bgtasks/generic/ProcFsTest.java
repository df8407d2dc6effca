package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The /proc parsers on fixtures, and a thin smoke test of the readers on Linux. */
class ProcFsTest {
    private static byte[] environ(String... entries) {
        return (String.join("\0", entries) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void environMatchesWholeEntriesOnly() {
        byte[] env = environ("PATH=/usr/bin", "BGTASKS_RUN_TOKEN=abc123", "HOME=/root");
        assertThat(ProcFs.environHasEntry(env, "BGTASKS_RUN_TOKEN=abc123")).isTrue();
        assertThat(ProcFs.environHasEntry(env, "BGTASKS_RUN_TOKEN=abc")).isFalse();
        assertThat(ProcFs.environHasEntry(env, "BGTASKS_RUN_TOKEN=abc1234")).isFalse();
        assertThat(ProcFs.environHasEntry(env, "RUN_TOKEN=abc123")).isFalse();
        assertThat(ProcFs.environHasEntry(environ("X_BGTASKS_RUN_TOKEN=abc123"), "BGTASKS_RUN_TOKEN=abc123"))
                .isFalse();
        assertThat(ProcFs.environHasEntry(environ("A=1", "B=2"), "B=2")).isTrue();
        // The last entry without its trailing NUL, and an empty environment.
        assertThat(ProcFs.environHasEntry("A=1\0B=2".getBytes(StandardCharsets.UTF_8), "B=2")).isTrue();
        assertThat(ProcFs.environHasEntry(new byte[0], "B=2")).isFalse();
        assertThat(ProcFs.environHasEntry(environ("A=1"), "")).isFalse();
    }

    @Test
    void statStateIsReadAfterTheLastParenthesis() {
        assertThat(ProcFs.stateOf("1234 (sleep) S 1 1234 1234 0 -1 4194304")).contains('S');
        assertThat(ProcFs.stateOf("99 (my (odd) name) Z 1 99 99 0 -1")).contains('Z');
        assertThat(ProcFs.stateOf("99 (a) b) R 1")).contains('R');
        assertThat(ProcFs.stateOf("garbage")).isEmpty();
        assertThat(ProcFs.stateOf("1 (x)")).isEmpty();
        assertThat(ProcFs.isEndedState('Z')).isTrue();
        assertThat(ProcFs.isEndedState('X')).isTrue();
        assertThat(ProcFs.isEndedState('S')).isFalse();
        assertThat(ProcFs.isEndedState('R')).isFalse();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void readersWorkOnThisProcess() {
        long self = ProcessHandle.current().pid();
        assertThat(ProcFs.available()).isTrue();
        assertThat(ProcFs.environ(self)).isPresent();
        assertThat(ProcFs.isEnded(self)).isFalse();
        assertThat(ProcFs.carriesEntry(self, ProcFs.tokenEntry("no-such-token-" + System.nanoTime()))).isFalse();
        assertThat(ProcFs.pidsCarrying(ProcFs.tokenEntry("no-such-token-" + System.nanoTime()))).isEmpty();
    }
}
