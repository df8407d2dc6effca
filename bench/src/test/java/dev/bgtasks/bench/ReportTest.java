package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8: bench/run prints a Markdown table and writes JSON with the machine it ran on. */
class ReportTest {
    private static final Machine MACHINE = new Machine(2, "Test CPU", "Linux 6.1", "OpenJDK 17", "2026-11-25T17:00:00Z");

    @Test
    void aTableHasAHeaderASeparatorAndOneLinePerRow() {
        String text = new MarkdownTable(List.of("a", "b")).row(List.of("1", "2")).row(List.of("3", "4")).render();
        assertThat(text).isEqualTo("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n");
    }

    @Test
    void pipesAndLineBreaksInACellCannotSplitTheRow() {
        String text = new MarkdownTable(List.of("x")).row(List.of("a|b\nc")).render();
        assertThat(text.lines().toList()).containsExactly("| x |", "|---|", "| a\\|b<br>c |");
    }

    @Test
    void aRowMustFitTheColumns() {
        MarkdownTable table = new MarkdownTable(List.of("a", "b"));
        assertThatThrownBy(() -> table.row(List.of("1"))).hasMessageContaining("1 cells in a table of 2 columns");
        assertThatThrownBy(() -> new MarkdownTable(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMarkdownStartsWithTheMachineAndNamesWhyAFigureWasNotMeasured() {
        Report report = new Report(MACHINE, Map.of("warmup", 3), List.of(
                FigureResult.measured("command", "trigger → exit", "median 6 ms, p95 9 ms", "median 2 ms, p95 4 ms",
                        4, "overhead 4 ms", Target.atMost(3, "median overhead ms"), Map.of()),
                FigureResult.failed("netns", "flip → start", Target.atMost(20, "p95 ms"), "not root")));
        String text = report.markdown();
        assertThat(text).startsWith("Machine: 2 cores (Test CPU), Linux 6.1, OpenJDK 17, 2026-11-25T17:00:00Z\n");
        assertThat(text).contains("| trigger → exit | median 6 ms, p95 9 ms | median 2 ms, p95 4 ms | overhead 4 ms"
                + " | median overhead ms ≤ 3 | MISS |");
        assertThat(text).contains("| flip → start | — | — | not measured | p95 ms ≤ 20 | ERROR |");
        assertThat(text).contains("- netns not measured: not root");
    }

    @Test
    void theJsonHoldsMachineSettingsAndEveryFigureWithItsRawNumbers(@TempDir Path dir) throws Exception {
        Summary s = Summary.ofNanos(new long[] {1_000_000, 3_000_000});
        Report report = new Report(MACHINE, Map.of("command-samples", 2), List.of(
                FigureResult.measured("command", "trigger → exit", "b", "base", 4, "r",
                        Target.atMost(3, "median overhead ms"), Map.of("bgtasks", s)),
                FigureResult.failed("netns", "flip", Target.atMost(20, "p95 ms"), "not root")));
        Path file = dir.resolve("out/bench-results.json");
        report.writeJson(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.at("/machine/cores").asInt()).isEqualTo(2);
        assertThat(json.at("/machine/kernel").asText()).isEqualTo("Linux 6.1");
        assertThat(json.at("/machine/jdk").asText()).isEqualTo("OpenJDK 17");
        assertThat(json.at("/machine/date").asText()).isEqualTo("2026-11-25T17:00:00Z");
        assertThat(json.at("/settings/command-samples").asInt()).isEqualTo(2);
        assertThat(json.at("/figures/0/status").asText()).isEqualTo("MISS");
        assertThat(json.at("/figures/0/details/bgtasks/medianMillis").asDouble()).isEqualTo(2);
        assertThat(json.at("/figures/1/status").asText()).isEqualTo("ERROR");
        assertThat(json.at("/figures/1/value").isNull()).isTrue();
        assertThat(json.at("/figures/1/error").asText()).isEqualTo("not root");
    }
}
