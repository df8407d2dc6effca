package dev.bgtasks.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of {@code bench/run}: sample counts per figure, which figures to run, and JMH's settings. Defaults
 * keep a whole run under ten minutes on a 2-core machine.
 *
 * <pre>{@code
 * BenchOptions options = BenchOptions.parse(new String[] {"--java-samples", "5", "--only", "command,rtt"});
 * options.count("java-samples");   // 5
 * options.runs("netns");           // false
 * }</pre>
 */
final class BenchOptions {
    /** The end-to-end figures, in the order of issue 8's table, then the JMH benchmarks. */
    public static final List<String> FIGURES = List.of("java-start", "java-warm", "fsync", "command", "netns", "rtt",
            "rate", "idle", "oom", "cli", "jmh");

    private static final Map<String, Integer> COUNT_DEFAULTS = defaults();

    private final Map<String, Integer> counts;
    private final Set<String> figures;
    private final Path outputDirectory;
    private final String jmhInclude;

    private BenchOptions(Map<String, Integer> counts, Set<String> figures, Path outputDirectory, String jmhInclude) {
        this.counts = Map.copyOf(counts);
        this.figures = Set.copyOf(figures);
        this.outputDirectory = outputDirectory;
        this.jmhInclude = jmhInclude;
    }

    private static Map<String, Integer> defaults() {
        Map<String, Integer> values = new LinkedHashMap<>();
        values.put("warmup", 3);             // runs per figure thrown away before measuring
        values.put("java-samples", 15);      // JVM starts: about 1 s per pair
        values.put("fsync-samples", 200);     // durable SQLite commits: the floor of the command figure
        values.put("command-samples", 200);
        values.put("cli-samples", 15);       // pairs of JVM starts per bgtask command
        values.put("netns-samples", 30);
        values.put("rtt-samples", 3000);
        values.put("cycles", 300);
        values.put("idle-seconds", 60);
        values.put("oom-samples", 10);
        values.put("jmh-forks", 1);
        values.put("jmh-warmups", 3);
        values.put("jmh-iterations", 5);
        values.put("jmh-seconds", 1);        // per warm-up and measured iteration
        return values;
    }

    /**
     * Reads {@code --name value} or {@code --name=value} flags; {@code --only a,b} and {@code --skip a,b} pick
     * figures, {@code --out dir} is where the JSON goes, {@code --jmh regex} narrows the JMH benchmarks.
     *
     * @throws IllegalArgumentException naming the flag, for an unknown flag, a missing or non-positive count, or
     *         an unknown figure
     */
    public static BenchOptions parse(String[] args) {
        Map<String, Integer> counts = new LinkedHashMap<>(COUNT_DEFAULTS);
        Set<String> figures = new LinkedHashSet<>(FIGURES);
        Path out = Path.of("bench", "target");
        String jmh = "dev\\.bgtasks\\.bench\\..*Benchmark.*";
        boolean onlyGiven = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value;
            if (!flag.startsWith("--")) {
                throw new IllegalArgumentException("expected a --flag, got '" + flag + "'; " + usage());
            }
            int equals = flag.indexOf('=');
            if (equals > 0) {
                value = flag.substring(equals + 1);
                flag = flag.substring(0, equals);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value; " + usage());
                }
                value = args[++i];
            }
            String name = flag.substring(2);
            switch (name) {
                case "only" -> {
                    if (onlyGiven) {
                        throw new IllegalArgumentException("--only given twice");
                    }
                    onlyGiven = true;
                    figures.retainAll(figureList(flag, value));
                }
                case "skip" -> figures.removeAll(figureList(flag, value));
                case "out" -> out = Path.of(value);
                case "jmh" -> jmh = value;
                default -> {
                    if (!counts.containsKey(name)) {
                        throw new IllegalArgumentException("unknown flag " + flag + "; " + usage());
                    }
                    counts.put(name, positive(flag, value, name.equals("warmup")));
                }
            }
        }
        return new BenchOptions(counts, figures, out, jmh);
    }

    private static List<String> figureList(String flag, String value) {
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            String trimmed = name.strip();
            if (!FIGURES.contains(trimmed)) {
                throw new IllegalArgumentException(flag + ": unknown figure '" + trimmed + "'; figures are "
                        + String.join(", ", FIGURES));
            }
            names.add(trimmed);
        }
        return names;
    }

    private static int positive(String flag, String value, boolean zeroAllowed) {
        int number;
        try {
            number = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, got '" + value + "'", e);
        }
        if (number < (zeroAllowed ? 0 : 1)) {
            throw new IllegalArgumentException(flag + " must be " + (zeroAllowed ? "0 or more" : "at least 1")
                    + ", got " + number);
        }
        return number;
    }

    /** One line listing every flag with its default. */
    public static String usage() {
        StringBuilder text = new StringBuilder("flags: --only/--skip <" + String.join(",", FIGURES)
                + ">, --out <dir>, --jmh <regex>");
        COUNT_DEFAULTS.forEach((name, value) -> text.append(", --").append(name).append(' ').append(value));
        return text.toString();
    }

    /** The value of a count flag such as {@code "java-samples"}. */
    public int count(String name) {
        Integer value = counts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no count flag --" + name);
        }
        return value;
    }

    /** Whether this run measures the figure. */
    public boolean runs(String figure) {
        return figures.contains(figure);
    }

    /** Where bench-results.json is written. */
    public Path outputDirectory() {
        return outputDirectory;
    }

    /** The JMH include pattern. */
    public String jmhInclude() {
        return jmhInclude;
    }

    /** The effective counts, for the JSON report. */
    public Map<String, Integer> counts() {
        return counts;
    }
}
