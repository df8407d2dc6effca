package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The adaptive interval (issue 6: tighter as usage nears the limit). */
class WatchdogPolicyTest {
    private static final long MS = 1_000_000L;
    private static final long LATER = 10_000 * MS;
    private final WatchdogPolicy policy = WatchdogPolicy.DEFAULT;

    @Test
    void farFromTheLimitItSamplesEvery200Ms() {
        assertThat(policy.nextDelay(0.10, 0.10, 200 * MS, LATER)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.nextDelay(0.49, 0.49, 200 * MS, LATER)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void fromHalfTheLimitEvery50MsAndFrom80PercentEvery10Ms() {
        assertThat(policy.nextDelay(0.50, 0.50, 50 * MS, LATER)).isEqualTo(Duration.ofMillis(50));
        assertThat(policy.nextDelay(0.79, 0.79, 50 * MS, LATER)).isEqualTo(Duration.ofMillis(50));
        assertThat(policy.nextDelay(0.80, 0.80, 10 * MS, LATER)).isEqualTo(Duration.ofMillis(10));
        assertThat(policy.nextDelay(0.99, 0.99, 10 * MS, LATER)).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void inTheFirst200MsAfterLaunchItSamplesEvery10Ms() {
        assertThat(policy.nextDelay(0.0, -1, 0, 0)).isEqualTo(Duration.ofMillis(10));
        assertThat(policy.nextDelay(0.01, 0.0, 10 * MS, 199 * MS)).isEqualTo(Duration.ofMillis(10));
        assertThat(policy.nextDelay(0.01, 0.01, 10 * MS, 200 * MS)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void growthThatWouldReachTheLimitBeforeTheNextSampleTightensTheInterval() {
        // 5 % -> 45 % in 100 ms: the limit is 137 ms away, sooner than the 200 ms band, later than 50 ms.
        assertThat(policy.nextDelay(0.45, 0.05, 100 * MS, LATER)).isEqualTo(Duration.ofMillis(50));
        // 5 % -> 49 % in 20 ms: the limit is 23 ms away.
        assertThat(policy.nextDelay(0.49, 0.05, 20 * MS, LATER)).isEqualTo(Duration.ofMillis(10));
        // 5 % -> 40 % in 200 ms: the limit is 343 ms away, the far interval stays.
        assertThat(policy.nextDelay(0.40, 0.05, 200 * MS, LATER)).isEqualTo(Duration.ofMillis(200));
        // Shrinking use never tightens.
        assertThat(policy.nextDelay(0.40, 0.45, 10 * MS, LATER)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void inconsistentSettingsAreRejected() {
        assertThatThrownBy(() -> new WatchdogPolicy(Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofMillis(10), 0.5, 0.8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("near <= mid <= far");
        assertThatThrownBy(() -> new WatchdogPolicy(Duration.ofMillis(200), Duration.ofMillis(50),
                Duration.ofMillis(10), 0.9, 0.8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 < mid <= near < 1");
    }

    @Test
    void describeNamesEveryInterval() {
        assertThat(policy.describe()).contains("200 ms", "50 ms from 50 %", "10 ms from 80 %");
    }
}
