package dev.bgtasks.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskLaunchTest {
    private static final long MIB = 1L << 20;

    @Test
    void theHeapStaysBelowTheMemoryLimit() { // SPEC X10
        assertThat(TaskLaunch.heapFor(64 * MIB)).isEqualTo(32 * MIB);
        assertThat(TaskLaunch.heapFor(256 * MIB)).isEqualTo(160 * MIB);
        assertThat(TaskLaunch.heapFor(1024 * MIB)).isEqualTo(928 * MIB);
        for (long limit = 4 * MIB; limit < 8192 * MIB; limit += 37 * MIB) {
            assertThat(TaskLaunch.heapFor(limit)).isLessThan(limit).isPositive();
        }
    }
}
