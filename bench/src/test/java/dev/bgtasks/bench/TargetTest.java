package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Issue 8: every figure is reported against its target with PASS or MISS. */
class TargetTest {
    @Test
    void anUpperBoundPassesAtAndBelowItAndMissesAbove() {
        Target ratio = Target.atMost(1.10, "median ratio");
        assertThat(ratio.evaluate(1.0)).isEqualTo(Target.Verdict.PASS);
        assertThat(ratio.evaluate(1.10)).isEqualTo(Target.Verdict.PASS);
        assertThat(ratio.evaluate(1.11)).isEqualTo(Target.Verdict.MISS);
    }

    @Test
    void aLowerBoundPassesAtAndAboveIt() {
        Target rate = Target.atLeast(0.5, "rate ratio");
        assertThat(rate.evaluate(0.5)).isEqualTo(Target.Verdict.PASS);
        assertThat(rate.evaluate(0.49)).isEqualTo(Target.Verdict.MISS);
    }

    @Test
    void zeroMeansNoneAtAll() {
        Target wakeups = Target.atMost(0, "timer wakeups");
        assertThat(wakeups.evaluate(0)).isEqualTo(Target.Verdict.PASS);
        assertThat(wakeups.evaluate(1)).isEqualTo(Target.Verdict.MISS);
    }

    @Test
    void anUnmeasuredValueMisses() {
        assertThat(Target.atMost(20, "p95 ms").evaluate(Double.NaN)).isEqualTo(Target.Verdict.MISS);
    }

    @Test
    void describesItselfAsTheIssueWritesIt() {
        assertThat(Target.atMost(1.10, "median ratio").describe()).isEqualTo("median ratio ≤ 1.1");
        assertThat(Target.atLeast(0.5, "rate ratio").describe()).isEqualTo("rate ratio ≥ 0.5");
        assertThat(Target.atMost(20, "p95 ms").describe()).isEqualTo("p95 ms ≤ 20");
    }

    @Test
    void aTargetNeedsANumberAndAQuantity() {
        assertThatThrownBy(() -> Target.atMost(Double.NaN, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Target.atMost(1, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numbersKeepAboutThreeSignificantDigits() {
        assertThat(Numbers.format(2274.4)).isEqualTo("2274");
        assertThat(Numbers.format(47.13)).isEqualTo("47.1");
        assertThat(Numbers.format(2.544)).isEqualTo("2.54");
        assertThat(Numbers.format(0.1449)).isEqualTo("0.14");
        assertThat(Numbers.format(0.0651)).isEqualTo("0.065");
        assertThat(Numbers.format(20.0)).isEqualTo("20");
        assertThat(Numbers.format(-0.0001)).isEqualTo("0");
        assertThat(Numbers.format(Double.NaN)).isEqualTo("n/a");
    }

    @Test
    void aFigureIsPassMissErrorOrUntargeted() {
        Target target = Target.atMost(3, "median overhead ms");
        assertThat(FigureResult.measured("command", "f", "b", "base", 3.8, "r", target, null).status())
                .isEqualTo("MISS");
        assertThat(FigureResult.measured("command", "f", "b", "base", 2.9, "r", target, null).status())
                .isEqualTo("PASS");
        assertThat(FigureResult.failed("netns", "f", target, "not root").status()).isEqualTo("ERROR");
        assertThat(FigureResult.measured("jmh", "f", "b", "—", 12, "r", null, null).status()).isEqualTo("—");
    }
}
