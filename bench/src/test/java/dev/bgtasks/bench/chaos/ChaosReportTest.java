package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosReportTest {
    @Test
    void everyViolationIsCountedButOnlyTheFirstAreKeptWordForWord() {
        ScenarioTally tally = new ScenarioTally("kill", 3);
        for (int i = 0; i < ScenarioTally.KEPT_MESSAGES + 5; i++) {
            tally.check(false, "broken " + i);
        }
        tally.check(true, "never shown");
        tally.check(List.of("a", "b"));
        tally.check(List.of());

        assertThat(tally.checks()).isEqualTo(ScenarioTally.KEPT_MESSAGES + 5 + 3);
        assertThat(tally.violations()).isEqualTo(ScenarioTally.KEPT_MESSAGES + 5 + 2);
        assertThat(tally.messages()).hasSize(ScenarioTally.KEPT_MESSAGES).doesNotContain("never shown");
    }

    @Test
    void theTableAndTheJsonCarryTheCountsAndTheTotal(@TempDir Path dir) throws Exception {
        ScenarioTally clean = new ScenarioTally("fuzzed frames", 10);
        clean.cycles(10);
        clean.check(true, "");
        clean.count("HOSTILE_JSON", 9);
        ScenarioTally broken = new ScenarioTally("disk full", 1);
        broken.check(false, "the broker died");
        broken.note("register on a full disk: the disk is full");

        String table = ChaosReport.table(5, List.of(clean, broken));
        assertThat(table).contains("| fuzzed frames | 10 (10) | 1 | 0 |", "HOSTILE_JSON 9",
                "| disk full | 0 (1) | 1 | 1 |", "VIOLATION (disk full): the broker died",
                "note (disk full): register on a full disk", "total violations: 1");

        Path file = dir.resolve("out").resolve("chaos-results.json");
        ChaosReport.write(file, 5, List.of(clean, broken));
        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.path("seed").asLong()).isEqualTo(5);
        assertThat(json.path("totalViolations").asLong()).isEqualTo(1);
        assertThat(json.path("scenarios").get(0).path("counts").path("HOSTILE_JSON").asLong()).isEqualTo(9);
        assertThat(json.path("scenarios").get(1).path("violationMessages").get(0).asText())
                .isEqualTo("the broker died");
    }
}
