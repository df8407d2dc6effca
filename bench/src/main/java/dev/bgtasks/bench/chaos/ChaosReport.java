package dev.bgtasks.bench.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The suite's table (Markdown, for the terminal and the README) and its JSON file. */
final class ChaosReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChaosReport() {
    }

    static long totalViolations(List<ScenarioTally> tallies) {
        return tallies.stream().mapToLong(ScenarioTally::violations).sum();
    }

    static String table(long seed, List<ScenarioTally> tallies) {
        StringBuilder out = new StringBuilder();
        out.append("seed ").append(seed).append('\n');
        out.append("| scenario | cycles run (planned) | invariants checked | violations | seconds | counts |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (ScenarioTally t : tallies) {
            out.append(String.format(Locale.ROOT, "| %s | %d (%d) | %d | %d | %.1f | %s |%n", t.name(), t.cycles(),
                    t.plannedCycles(), t.checks(), t.violations(), t.seconds(), counters(t.orderedCounters())));
        }
        for (ScenarioTally t : tallies) {
            for (String note : t.notes()) {
                out.append("note (").append(t.name()).append("): ").append(note).append('\n');
            }
            for (String message : t.messages()) {
                out.append("VIOLATION (").append(t.name()).append("): ").append(message).append('\n');
            }
        }
        out.append("total violations: ").append(totalViolations(tallies)).append('\n');
        return out.toString();
    }

    private static String counters(Map<String, Long> counters) {
        StringBuilder text = new StringBuilder();
        counters.forEach((name, value) -> text.append(text.length() == 0 ? "" : ", ").append(name).append(' ')
                .append(value));
        return text.toString();
    }

    static ObjectNode json(long seed, List<ScenarioTally> tallies) {
        ObjectNode root = JSON.createObjectNode();
        root.put("seed", seed);
        // When the run ended, for the generated table in docs/chaos.md (bench/tables).
        root.put("finishedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        root.put("totalViolations", totalViolations(tallies));
        ArrayNode scenarios = root.putArray("scenarios");
        for (ScenarioTally t : tallies) {
            ObjectNode node = scenarios.addObject();
            node.put("name", t.name());
            node.put("plannedCycles", t.plannedCycles());
            node.put("cycles", t.cycles());
            node.put("invariantsChecked", t.checks());
            node.put("violations", t.violations());
            node.put("seconds", t.seconds());
            ObjectNode counters = node.putObject("counts");
            t.orderedCounters().forEach(counters::put);
            t.notes().forEach(node.putArray("notes")::add);
            ArrayNode messages = node.putArray("violationMessages");
            t.messages().forEach(messages::add);
        }
        return root;
    }

    static void write(Path file, long seed, List<ScenarioTally> tallies) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), json(seed, tallies));
    }
}
