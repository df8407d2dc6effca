package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.macos.jna.SystemLib;
import org.junit.jupiter.api.Test;

/** Darwin's sys/wait.h macros, as the exit status of a task is built from them. */
class WaitStatusTest {
    @Test
    void aNormalExitCarriesItsCode() {
        int status = 3 << 8;
        assertThat(WaitStatus.exited(status)).isTrue();
        assertThat(WaitStatus.signaled(status)).isFalse();
        assertThat(WaitStatus.exitCode(status)).isEqualTo(3);
        assertThat(WaitStatus.exitCode(0)).isZero();
        assertThat(WaitStatus.exitCode(255 << 8)).isEqualTo(255);
    }

    @Test
    void aSignalDeathReadsAs128PlusTheSignal() {
        int killed = SystemLib.SIGKILL;
        assertThat(WaitStatus.signaled(killed)).isTrue();
        assertThat(WaitStatus.exited(killed)).isFalse();
        assertThat(WaitStatus.signal(killed)).isEqualTo(9);
        assertThat(WaitStatus.exitCode(killed)).isEqualTo(137);
        // With the core-dump bit (0200) set.
        assertThat(WaitStatus.exitCode(0200 | 11)).isEqualTo(139);
    }

    @Test
    void aStoppedProcessIsNeitherExitedNorSignaled() {
        int stopped = (SystemLib.SIGSTOP << 8) | 0177;
        assertThat(WaitStatus.exited(stopped)).isFalse();
        assertThat(WaitStatus.signaled(stopped)).isFalse();
    }
}
