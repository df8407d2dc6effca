package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KernelLogTest {
    private static final String LOG = String.join("\n",
            "[ 1201.000100] Memory cgroup out of memory: Killed process 77 (java) total-vm:1kB",
            "[13166.257912] Memory cgroup out of memory: Killed process 8982 (java) total-vm:2281292kB",
            "[13170.000001] Memory cgroup out of memory: Killed process 8982 (java) total-vm:2281292kB",
            "[13171.5] garbage without microseconds Killed process 8982 (java)");

    @Test
    void theLastKillOfThePidInMicrosecondsBecomesNanoseconds() {
        assertThat(KernelLog.stampOf(LOG, "Killed process 8982 ")).hasValue(13_170_000_001_000L);
        assertThat(KernelLog.stampOf(LOG, "Killed process 77 ")).hasValue(1_201_000_100_000L);
    }

    @Test
    void anotherPidThatStartsTheSameIsNotTaken() {
        assertThat(KernelLog.stampOf(LOG, "Killed process 89 ")).isEmpty();
    }
}
