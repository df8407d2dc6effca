package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CliFigureTest {
    @Test
    void childCpuIsTheSecondLineOfTimesUserPlusSystem() {
        // dash and bash print the shell's own times, then its children's.
        assertThat(CliFigure.childCpuNanos("0m0.001000s 0m0.002000s\n0m0.250000s 0m0.030000s\n"))
                .isEqualTo(280_000_000L);
        assertThat(CliFigure.childCpuNanos("0m0.00s 0m0.00s\n1m2.5s 0m0.5s")).isEqualTo(63_000_000_000L);
        assertThatThrownBy(() -> CliFigure.childCpuNanos("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyReadCommandAndTriggerIsMeasured() {
        assertThat(CliFigure.commands()).containsOnlyKeys("runs", "tasks", "signals", "doctor", "access status",
                "trigger");
    }
}
