package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Issue 8: medians and p95 are reported per figure; these are the order statistics behind them. */
class StatisticsTest {
    @Test
    void medianOfAnOddCountIsTheMiddleSample() {
        assertThat(Percentiles.median(new double[] {1, 2, 9})).isEqualTo(2);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleSamples() {
        assertThat(Percentiles.median(new double[] {1, 2, 4, 100})).isEqualTo(3);
    }

    @Test
    void nearestRankPercentileIsAlwaysAMeasuredSample() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;   // 1..100
        }
        assertThat(Percentiles.nearestRank(sorted, 95)).isEqualTo(95);
        assertThat(Percentiles.nearestRank(sorted, 99)).isEqualTo(99);
        assertThat(Percentiles.nearestRank(sorted, 100)).isEqualTo(100);
        assertThat(Percentiles.nearestRank(new double[] {3, 7}, 95)).isEqualTo(7);
        assertThat(Percentiles.nearestRank(new double[] {5}, 1)).isEqualTo(5);
    }

    @Test
    void percentilesOutsideTheRangeAndEmptySeriesAreRejected() {
        assertThatThrownBy(() -> Percentiles.nearestRank(new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> Percentiles.nearestRank(new double[] {1}, 101))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Summary.ofNanos(new long[0])).hasMessageContaining("no samples");
    }

    @Test
    void summaryConvertsNanosToMillisAndDoesNotNeedSortedInput() {
        Summary s = Summary.ofNanos(new long[] {3_000_000, 1_000_000, 2_000_000, 10_000_000});
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.medianMillis()).isEqualTo(2.5);
        assertThat(s.p95Millis()).isEqualTo(10);
        assertThat(s.minMillis()).isEqualTo(1);
        assertThat(s.maxMillis()).isEqualTo(10);
        assertThat(s.meanMillis()).isCloseTo(4, within(1e-9));
    }

    @Test
    void samplesKeepTheirOrderAndRefuseMoreThanTheirCapacity() {
        Samples samples = new Samples(2);
        samples.add(4_000_000);
        samples.add(2_000_000);
        assertThat(samples.summary().medianMillis()).isEqualTo(3);
        assertThatThrownBy(() -> samples.add(1)).isInstanceOf(IllegalStateException.class);
        assertThat(Samples.medianP95(samples.summary())).isEqualTo("median 3 ms, p95 4 ms");
    }
}
