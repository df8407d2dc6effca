package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Issue 8: sample counts are flags, with defaults sized for a run under ten minutes. */
class BenchOptionsTest {
    @Test
    void defaultsRunEveryFigure() {
        BenchOptions options = BenchOptions.parse(new String[0]);
        BenchOptions.FIGURES.forEach(f -> assertThat(options.runs(f)).as(f).isTrue());
        assertThat(options.count("idle-seconds")).isEqualTo(60);
        assertThat(options.outputDirectory()).isEqualTo(Path.of("bench", "target"));
    }

    @Test
    void countsTakeBothSpellings() {
        BenchOptions options = BenchOptions.parse(new String[] {"--java-samples", "5", "--cycles=40", "--warmup",
            "0"});
        assertThat(options.count("java-samples")).isEqualTo(5);
        assertThat(options.count("cycles")).isEqualTo(40);
        assertThat(options.count("warmup")).isZero();
    }

    @Test
    void onlyAndSkipPickFigures() {
        BenchOptions options = BenchOptions.parse(new String[] {"--only", "command, rtt,jmh", "--skip", "jmh"});
        assertThat(options.runs("command")).isTrue();
        assertThat(options.runs("rtt")).isTrue();
        assertThat(options.runs("jmh")).isFalse();
        assertThat(options.runs("netns")).isFalse();
    }

    @Test
    void badInputIsNamedInTheError() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--samples", "3"}))
                .hasMessageContaining("unknown flag --samples");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--cycles"}))
                .hasMessageContaining("--cycles needs a value");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--cycles", "many"}))
                .hasMessageContaining("--cycles needs a whole number");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--cycles", "0"}))
                .hasMessageContaining("--cycles must be at least 1");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only", "speed"}))
                .hasMessageContaining("unknown figure 'speed'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"cycles"}))
                .hasMessageContaining("expected a --flag");
        assertThatThrownBy(() -> BenchOptions.parse(new String[0]).count("nothing"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
