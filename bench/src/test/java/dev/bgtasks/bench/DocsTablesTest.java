package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fixtures under {@code docs-tables/} are real output: {@code bench/run --only rtt,rate} and
 * {@code bench/chaos --only hammer,disk} with small counts.
 */
class DocsTablesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BENCH_MARKER =
            "<!-- generated from docs/results/bench-results.json by bench/tables: edit the JSON, not this table -->";
    private static final String CHAOS_MARKER =
            "<!-- generated from docs/results/chaos-results.json by bench/tables: edit the JSON, not this table -->";

    @Test
    void aBenchRunBecomesTheHarnessTableWithItsMachineAndFlags() {
        String table = DocsTables.render(fixture("bench-results.json"));

        assertThat(table).startsWith("Machine: 2 cores (Intel(R) Xeon(R) Processor), Linux 6.18.44-fc-v1300, "
                + "OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1, 2026-12-07T11:33:45Z\n\n"
                + "| figure | bgtasks | baseline (same run) | result | target | verdict |\n|---|---|---|---|---|---|\n");
        assertThat(table).contains("| requestAsync answered CURRENTLY_RUNNING over the socket | p50 0.34 ms, "
                + "p99 2.59 ms | bare UDS echo of a 164-byte frame: p50 0.044 ms, p99 0.55 ms | p50 0.34 ms (7.72 × echo) "
                + "| p50 ms ≤ 0.3 | MISS |\n");
        assertThat(table).contains("| sequential trigger → completion cycles/s (/bin/true) | 39.1/s | raw spawn + "
                + "wait: 436/s | 0.09 × | rate ratio ≥ 0.5 | MISS |\n");
        assertThat(table).contains("Settings: --command-samples 200", "--rtt-samples 300", "--warmup 1");
        assertThat(table).doesNotContain("Source:");
    }

    @Test
    void theGeneratedBenchTableIsWhatTheHarnessPrints() {
        Machine machine = new Machine(2, "a CPU", "Linux 6.1", "OpenJDK 17", "2026-01-01T00:00:00Z");
        Report report = new Report(machine, Map.of("warmup", 3), List.of(
                FigureResult.measured("command", "trigger → exit", "median 6 ms, p95 9 ms", "spawn: median 2 ms", 4,
                        "overhead 4 ms", Target.atMost(3, "median overhead ms"), Map.of()),
                FigureResult.failed("netns", "condition flip", Target.atMost(20, "p95 ms"), "needs root | a pipe"),
                FigureResult.measured("jmh", "JMH a.b", "0.8 us/op", "—", 0.8, "0.8 us/op", null, Map.of())));

        String table = DocsTables.render(JSON.valueToTree(report.json()));

        assertThat(table).isEqualTo(report.markdown() + "\nSettings: --warmup 3\n");
    }

    @Test
    void aChaosRunBecomesItsTableWithNotesAndViolationsBelow() {
        String table = DocsTables.render(fixture("chaos-results.json"));

        assertThat(table).startsWith("Seed 7, finished 2026-12-07T11:34:13Z, 10 s in all, total violations: 0.\n\n"
                + "| scenario | cycles run (planned) | invariants checked | violations | seconds | counts |\n");
        assertThat(table).contains("| requestAsync hammer | 40 (40) | 8 | 0 | 6.1 | NOT_SENT 0, CURRENTLY_RUNNING 38, "
                + "ALLOWED 2, instances ran 2 |\n");
        assertThat(table).contains("| disk full | 1 (1) | 13 | 0 | 4.3 | filler bytes 8192000,");
        assertThat(table).contains("\n- note (disk full): register on a full disk: IllegalStateException: the broker "
                + "could not save this, so nothing changed:");
        assertThat(table).doesNotContain("VIOLATION");
    }

    @Test
    void aViolationAndATranscribedSourceAreShownAndMissingSecondsAreADash() throws IOException {
        JsonNode results = JSON.readTree("{\"seed\": 5, \"totalViolations\": 1, \"source\": \"transcribed\", "
                + "\"scenarios\": [{\"name\": \"kill -9 cycles\", \"plannedCycles\": 3, \"cycles\": 2, "
                + "\"invariantsChecked\": 4, \"violations\": 1, \"counts\": {\"instances\": 2}, "
                + "\"violationMessages\": [\"task process 12 remains\"]}]}");

        String table = DocsTables.render(results);

        assertThat(table).startsWith("Seed 5, total violations: 1.\n\nSource: transcribed\n\n");
        assertThat(table).contains("| kill -9 cycles | 2 (3) | 4 | 1 | — | instances 2 |\n",
                "\n- VIOLATION (kill -9 cycles): task process 12 remains\n");
    }

    @Test
    void onlyTheTextBetweenTheMarkersIsReplaced() {
        String markdown = "# Performance\n\nProse before.\n\n" + BENCH_MARKER + "\nan old table, edited by hand\n"
                + DocsTables.END_MARKER + "\n\nProse after, with `<!-- a comment -->`.\n\n" + CHAOS_MARKER + "\nold\n"
                + DocsTables.END_MARKER + "\n";

        String regenerated = DocsTables.regenerate(markdown, path -> fixture(Path.of(path).getFileName().toString()));

        assertThat(regenerated).startsWith("# Performance\n\nProse before.\n\n" + BENCH_MARKER + "\nMachine: 2 cores");
        assertThat(regenerated).contains("| p50 ms ≤ 0.3 | MISS |", "\n\nProse after, with `<!-- a comment -->`.\n\n"
                + CHAOS_MARKER + "\nSeed 7,", "| requestAsync hammer | 40 (40) |");
        assertThat(regenerated).doesNotContain("an old table", "\nold\n").endsWith(DocsTables.END_MARKER + "\n");
        assertThat(DocsTables.regenerate(regenerated, path -> fixture(Path.of(path).getFileName().toString())))
                .as("a second run changes nothing").isEqualTo(regenerated);
    }

    @Test
    void aMarkerWithoutItsEndOrJsonOfNoKnownKindIsAnError() throws IOException {
        assertThatThrownBy(() -> DocsTables.regenerate(BENCH_MARKER + "\nold table\n", path -> fixture(
                "bench-results.json"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 generated blocks open but 0 end");
        JsonNode neither = JSON.readTree("{\"machine\": {}}");
        assertThatThrownBy(() -> DocsTables.render(neither)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither bench results");
    }

    @Test
    void theCommittedDocsMatchTheirCommittedJson() throws IOException {
        // Surefire runs in bench/; the docs and their JSON live at the repository root.
        Path root = Path.of("").toAbsolutePath().getParent();
        for (String doc : List.of("docs/performance.md", "docs/chaos.md")) {
            String markdown = Files.readString(root.resolve(doc), StandardCharsets.UTF_8);
            String regenerated = DocsTables.regenerate(markdown, path -> read(root.resolve(path)));
            assertThat(regenerated).as(doc + " is out of date: run bench/tables").isEqualTo(markdown);
            assertThat(markdown).as(doc + " has a generated block").contains(DocsTables.END_MARKER);
        }
    }

    private static JsonNode fixture(String name) {
        try (InputStream in = DocsTablesTest.class.getResourceAsStream("/docs-tables/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
