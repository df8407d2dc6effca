package dev.bgtasks.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one run as a Markdown table and as JSON ({@code bench-results.json}).
 *
 * <pre>{@code
 * Report report = new Report(Machine.describeThisOne(), options.counts(), rows);
 * System.out.print(report.markdown());
 * report.writeJson(Path.of("bench/target/bench-results.json"));
 * }</pre>
 */
final class Report {
    static final List<String> COLUMNS = List.of("figure", "bgtasks", "baseline (same run)", "result",
            "target", "verdict");

    private final Machine machine;
    private final Map<String, Integer> settings;
    private final List<FigureResult> figures;

    public Report(Machine machine, Map<String, Integer> settings, List<FigureResult> figures) {
        this.machine = machine;
        this.settings = Map.copyOf(settings);
        this.figures = List.copyOf(figures);
    }

    /** The machine line, then the table; ERROR rows name their cause below the table. */
    public String markdown() {
        MarkdownTable table = new MarkdownTable(COLUMNS);
        for (FigureResult f : figures) {
            table.row(List.of(f.figure(), f.bgtasks(), f.baseline(), f.result(),
                    f.target() == null ? "—" : f.target().describe(), f.status()));
        }
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(machine.line()).append("\n\n").append(table.render());
        List<String> errors = new ArrayList<>();
        for (FigureResult f : figures) {
            if (f.error() != null) {
                errors.add("- " + f.id() + " not measured: " + f.error());
            }
        }
        if (!errors.isEmpty()) {
            out.append('\n').append(String.join("\n", errors)).append('\n');
        }
        return out.toString();
    }

    /** The JSON document: machine, settings, and each figure with its status and raw numbers. */
    public Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("settings", settings);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FigureResult f : figures) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", f.id());
            row.put("figure", f.figure());
            row.put("bgtasks", f.bgtasks());
            row.put("baseline", f.baseline());
            row.put("value", Double.isNaN(f.value()) ? null : f.value());
            row.put("result", f.result());
            row.put("target", f.target() == null ? null : f.target().describe());
            row.put("status", f.status());
            row.put("error", f.error());
            row.put("details", f.details());
            rows.add(row);
        }
        root.put("figures", rows);
        return root;
    }

    /** Writes {@link #json()} to {@code file}, creating its directory. */
    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json());
    }
}
