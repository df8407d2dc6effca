package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.RunToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The /proc parsers on fixtures, and a thin smoke test of the readers on Linux. */
class ProcFsTest {
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
        assertThat(ProcFs.carriesEntry(self, RunToken.environmentEntry("no-such-token-" + System.nanoTime()))).isFalse();
        assertThat(ProcFs.pidsCarrying(RunToken.environmentEntry("no-such-token-" + System.nanoTime()))).isEmpty();
    }
}
