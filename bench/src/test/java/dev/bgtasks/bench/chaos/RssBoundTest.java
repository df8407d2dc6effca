package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 8, scenario 3: the broker's RSS stays within 20 % of where it started after warm-up. */
class RssBoundTest {
    @Test
    void readsVmRssFromProcStatus() {
        assertThat(RssBound.vmRssKib(List.of("Name:\tjava", "VmPeak:\t 9000 kB", "VmRSS:\t  123456 kB",
                "Threads:\t20"))).contains(123456L);
        assertThat(RssBound.vmRssKib(List.of("Name:\tkthreadd"))).isEmpty();
    }

    @Test
    void samplesUpToTwentyPercentOverTheBaselineHold() {
        RssBound bound = new RssBound(1.2);
        bound.baseline(100_000);

        assertThat(bound.sample(90_000)).isEmpty();
        assertThat(bound.sample(120_000)).isEmpty();
        assertThat(bound.sample(120_001)).get().asString().contains("120001 KiB", "over the 100000 KiB");
        assertThat(bound.maxKib()).isEqualTo(120_001);
        assertThat(bound.samples()).isEqualTo(3);
    }

    @Test
    void noSampleBeforeTheBaseline() {
        assertThatThrownBy(() -> new RssBound(1.2).sample(1)).isInstanceOf(IllegalStateException.class);
    }
}
