package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {
    @Test
    void defaultsAreTheNumbersOfIssue8() {
        ChaosOptions options = ChaosOptions.parse(List.of(), 99);

        assertThat(options.seed()).isEqualTo(99);
        assertThat(options.scenarios()).containsExactly("kill", "hammer", "fuzz", "disk", "crowd");
        assertThat(options.killCycles()).isEqualTo(100);
        assertThat(options.hammerProcesses()).isEqualTo(2);
        assertThat(options.hammerThreads()).isEqualTo(32);
        assertThat(options.hammerCalls()).isEqualTo(1000);
        assertThat(options.fuzzFrames()).isEqualTo(100_000);
    }

    @Test
    void theCrowdIsTheThousandAppsOfIssue20() {
        ChaosOptions options = ChaosOptions.parse(List.of(), 1);
        assertThat(options.crowdApps()).isEqualTo(1000);
        assertThat(options.crowdStalled()).isEqualTo(100);
        assertThat(options.crowdRamp()).isEqualTo(Duration.ofSeconds(60));

        ChaosOptions small = ChaosOptions.parse(List.of("--only", "crowd", "--crowd-apps", "40", "--crowd-stalled",
                "0", "--crowd-ramp-seconds", "0", "--crowd-processes", "2", "--crowd-seconds", "30"), 1);
        assertThat(small.scenarios()).containsExactly("crowd");
        assertThat(small.crowdApps()).isEqualTo(40);
        assertThat(small.crowdStalled()).isZero();
        assertThat(small.crowdRamp()).isZero();
        assertThat(small.crowdProcesses()).isEqualTo(2);
        assertThat(small.crowdTime()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void flagsScaleEveryCountAndReplayASeed() {
        ChaosOptions options = ChaosOptions.parse(List.of("--seed", "-42", "--only", "fuzz,kill",
                "--kill-cycles", "5", "--hammer-calls", "7", "--fuzz-frames", "300", "--fuzz-seconds", "9"), 1);

        assertThat(options.seed()).isEqualTo(-42);
        // Suite order, whatever order the flag named them in.
        assertThat(options.scenarios()).containsExactly("kill", "fuzz");
        assertThat(options.killCycles()).isEqualTo(5);
        assertThat(options.hammerCalls()).isEqualTo(7);
        assertThat(options.fuzzFrames()).isEqualTo(300);
        assertThat(options.fuzzTime()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void theSoakRunsOnlyWhenNamedWithAHundredThousandCyclesOrFewer() { // issue 14, SPEC B7
        assertThat(ChaosOptions.parse(List.of(), 1).soakCycles()).isEqualTo(100_000);
        ChaosOptions soak = ChaosOptions.parse(List.of("--only", "soak", "--soak-cycles", "10000"), 1);
        assertThat(soak.scenarios()).containsExactly("soak");
        assertThat(soak.soakCycles()).isEqualTo(10_000);
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--soak-cycles", "3"), 1))
                .hasMessageContaining("--soak-cycles must be at least 10");
    }

    @Test
    void badFlagsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--only", "kill,nap"), 1))
                .hasMessageContaining("unknown scenario \"nap\"");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--kill-cycles", "many"), 1))
                .hasMessageContaining("--kill-cycles takes a whole number");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--hammer-threads", "0"), 1))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--seed"), 1)).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--speed", "3"), 1))
                .hasMessageContaining("unknown flag --speed");
    }
}
