package dev.bgtasks.launch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JavaLauncherTest {
    private static final long MIB = 1L << 20;

    @Test
    void theHeapStaysBelowTheMemoryLimit() { // SPEC X10
        assertThat(JavaLauncher.heapFor(64 * MIB)).isEqualTo(32 * MIB);
        assertThat(JavaLauncher.heapFor(256 * MIB)).isEqualTo(160 * MIB);
        assertThat(JavaLauncher.heapFor(1024 * MIB)).isEqualTo(928 * MIB);
        for (long limit = 4 * MIB; limit < 8192 * MIB; limit += 37 * MIB) {
            assertThat(JavaLauncher.heapFor(limit)).isLessThan(limit).isPositive();
        }
    }
}
