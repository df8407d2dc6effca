package dev.bgtasks.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the result tables of {@code docs/performance.md} and {@code docs/chaos.md} from the JSON that
 * {@code bench/run} ({@code bench-results.json}) and {@code bench/chaos} ({@code chaos-results.json}) write, so the
 * published figures are never edited by hand. Each table sits between two marker comments; the opening one names
 * the JSON file, relative to the repository root:
 *
 * <pre>{@code
 * <!-- generated from docs/results/bench-results.json by bench/tables: edit the JSON, not this table -->
 * ...
 * <!-- end generated -->
 * }</pre>
 *
 * <p>The kind of table follows from the JSON: a {@code figures} array is a bench run, a {@code scenarios} array a
 * chaos run. With {@code --check} nothing is written, and the exit status is 1 when a file is out of date.
 *
 * <pre>{@code
 * bench/tables                               # rewrites docs/performance.md and docs/chaos.md
 * bench/tables --check docs/performance.md   # exit 1 if its table differs from its JSON
 * }</pre>
 */
public final class DocsTables {
    /** The closing marker of a generated block. */
    static final String END_MARKER = "<!-- end generated -->";

    private static final Pattern BLOCK = Pattern.compile(
            "(?m)^(<!-- generated from (\\S+) by bench/tables[^\\n]*-->)\\n(.*?)^" + Pattern.quote(END_MARKER) + "$",
            Pattern.DOTALL);
    private static final Pattern OPENING = Pattern.compile("(?m)^<!-- generated from ");
    private static final List<String> CHAOS_COLUMNS = List.of("scenario", "cycles run (planned)",
            "invariants checked", "violations", "seconds", "counts");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DocsTables() {
    }

    /**
     * Regenerates the files named (default: {@code docs/performance.md} and {@code docs/chaos.md}); JSON paths in
     * the markers are resolved against the working directory, the repository root. Exits 1 with {@code --check}
     * when a file is out of date, 2 on a file that cannot be read or a marker without its JSON.
     *
     * @param args {@code [--check] [markdown files...]}
     */
    public static void main(String[] args) {
        boolean check = false;
        List<Path> files = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--check")) {
                check = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println("bench/tables [--check] [markdown files...]; default: docs/performance.md "
                        + "docs/chaos.md");
                return;
            } else {
                files.add(Path.of(arg));
            }
        }
        if (files.isEmpty()) {
            files = List.of(Path.of("docs", "performance.md"), Path.of("docs", "chaos.md"));
        }
        int stale = 0;
        try {
            for (Path file : files) {
                String before = Files.readString(file, StandardCharsets.UTF_8);
                String after = regenerate(before, DocsTables::readJson);
                if (after.equals(before)) {
                    System.out.println("tables: " + file + " is up to date");
                } else if (check) {
                    System.out.println("tables: " + file + " differs from its JSON; run bench/tables");
                    stale++;
                } else {
                    Files.writeString(file, after, StandardCharsets.UTF_8);
                    System.out.println("tables: rewrote " + file);
                }
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            System.err.println("tables: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (stale > 0) {
            System.exit(1);
        }
    }

    /**
     * The markdown with every generated block rendered afresh from the JSON its marker names; everything outside
     * the markers is kept byte for byte.
     *
     * @param markdown the document
     * @param readJson reads the JSON file a marker names
     * @return the document with its blocks regenerated
     * @throws IllegalArgumentException when an opening marker has no closing one, or the JSON is of no known kind
     */
    public static String regenerate(String markdown, Function<String, JsonNode> readJson) {
        Matcher block = BLOCK.matcher(markdown);
        StringBuilder out = new StringBuilder();
        int blocks = 0;
        while (block.find()) {
            blocks++;
            String table = render(readJson.apply(block.group(2)));
            block.appendReplacement(out, Matcher.quoteReplacement(block.group(1) + "\n" + table + END_MARKER));
        }
        block.appendTail(out);
        long openings = OPENING.matcher(markdown).results().count();
        if (openings != blocks) {
            throw new IllegalArgumentException(openings + " generated blocks open but " + blocks
                    + " end with a line '" + END_MARKER + "'");
        }
        return out.toString();
    }

    /**
     * The Markdown for one results document: a bench run (it has {@code figures}) or a chaos run
     * ({@code scenarios}).
     */
    public static String render(JsonNode results) {
        if (results.has("figures")) {
            return benchTable(results);
        }
        if (results.has("scenarios")) {
            return chaosTable(results);
        }
        throw new IllegalArgumentException("neither bench results (figures) nor chaos results (scenarios): "
                + abbreviate(results.toString()));
    }

    /**
     * As {@link Report#markdown()} prints it, with the source line of a transcribed file after the machine line
     * and the flags of the run below the table.
     */
    static String benchTable(JsonNode results) {
        JsonNode m = results.path("machine");
        Machine machine = new Machine(m.path("cores").asInt(), m.path("cpuModel").asText("unknown"),
                m.path("kernel").asText(), m.path("jdk").asText(), m.path("date").asText());
        StringBuilder out = new StringBuilder("Machine: ").append(machine.line()).append("\n\n");
        source(results, out);
        MarkdownTable table = new MarkdownTable(Report.COLUMNS);
        List<String> errors = new ArrayList<>();
        for (JsonNode f : results.path("figures")) {
            table.row(List.of(text(f, "figure"), text(f, "bgtasks"), text(f, "baseline"), text(f, "result"),
                    f.path("target").isNull() || f.path("target").isMissingNode() ? "—" : text(f, "target"),
                    text(f, "status")));
            if (f.hasNonNull("error")) {
                errors.add("- " + text(f, "id") + " not measured: " + text(f, "error"));
            }
        }
        out.append(table.render());
        if (!errors.isEmpty()) {
            out.append('\n').append(String.join("\n", errors)).append('\n');
        }
        settings(results.path("settings"), out);
        return out.toString();
    }

    /** The table {@code bench/chaos} prints, with its notes and violations as a list below it. */
    static String chaosTable(JsonNode results) {
        StringBuilder out = new StringBuilder();
        double seconds = 0;
        boolean allTimed = true;
        for (JsonNode s : results.path("scenarios")) {
            allTimed &= s.has("seconds");
            seconds += s.path("seconds").asDouble();
        }
        out.append("Seed ").append(results.path("seed").asText());
        if (results.hasNonNull("finishedAt")) {
            out.append(", finished ").append(results.path("finishedAt").asText());
        }
        if (allTimed) {
            out.append(String.format(Locale.ROOT, ", %.0f s in all", seconds));
        }
        out.append(", total violations: ").append(results.path("totalViolations").asText()).append(".\n\n");
        source(results, out);
        MarkdownTable table = new MarkdownTable(CHAOS_COLUMNS);
        List<String> notes = new ArrayList<>();
        for (JsonNode s : results.path("scenarios")) {
            String name = text(s, "name");
            table.row(List.of(name, s.path("cycles").asText() + " (" + s.path("plannedCycles").asText() + ")",
                    s.path("invariantsChecked").asText(), s.path("violations").asText(),
                    s.has("seconds") ? String.format(Locale.ROOT, "%.1f", s.path("seconds").asDouble()) : "—",
                    counts(s.path("counts"))));
            s.path("notes").forEach(n -> notes.add("- note (" + name + "): " + n.asText()));
            s.path("violationMessages").forEach(v -> notes.add("- VIOLATION (" + name + "): " + v.asText()));
        }
        out.append(table.render());
        if (!notes.isEmpty()) {
            out.append('\n').append(String.join("\n", notes)).append('\n');
        }
        return out.toString();
    }

    private static void source(JsonNode results, StringBuilder out) {
        if (results.hasNonNull("source")) {
            out.append("Source: ").append(results.path("source").asText()).append("\n\n");
        }
    }

    private static void settings(JsonNode settings, StringBuilder out) {
        if (settings.isObject() && settings.size() > 0) {
            List<String> flags = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : settings.properties()) {
                flags.add("--" + field.getKey() + " " + field.getValue().asText());
            }
            out.append("\nSettings: ").append(String.join(", ", flags)).append('\n');
        }
    }

    private static String counts(JsonNode counts) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> count : counts.properties()) {
            parts.add(count.getKey() + " " + count.getValue().asText());
        }
        return String.join(", ", parts);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "—" : value.asText();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }

    private static JsonNode readJson(String path) {
        try {
            return JSON.readTree(Files.readString(Path.of(path), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " named in a generated block: " + e.getMessage(), e);
        }
    }
}
