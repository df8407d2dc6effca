package dev.bgtasks.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppMemoryUsageLevelTest {
    @Test
    void levelsFollowTheSpecThresholds() { // SPEC enums: AppMemoryUsageLevel
        long limit = 1000;
        assertThat(AppMemoryUsageLevel.of(0, limit)).isEqualTo(AppMemoryUsageLevel.LOW);
        assertThat(AppMemoryUsageLevel.of(499, limit)).isEqualTo(AppMemoryUsageLevel.LOW);
        assertThat(AppMemoryUsageLevel.of(500, limit)).isEqualTo(AppMemoryUsageLevel.MEDIUM);
        assertThat(AppMemoryUsageLevel.of(799, limit)).isEqualTo(AppMemoryUsageLevel.MEDIUM);
        assertThat(AppMemoryUsageLevel.of(800, limit)).isEqualTo(AppMemoryUsageLevel.HIGH);
        assertThat(AppMemoryUsageLevel.of(1000, limit)).isEqualTo(AppMemoryUsageLevel.HIGH);
        assertThat(AppMemoryUsageLevel.of(1001, limit)).isEqualTo(AppMemoryUsageLevel.OVER_LIMIT);
        assertThat(AppMemoryUsageLevel.of(5_000_000, 0)).isEqualTo(AppMemoryUsageLevel.LOW);
    }
}
