package dev.bgtasks.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code bgtask} command as scripts call it in loops (issue 18): each read-only command and {@code trigger},
 * run by the checkout's {@code ./bgtask} launcher (with its class-data archive, trained by the warm-up calls)
 * against a running broker, against {@link TrivialMain} started by the same {@code java}, measured in turns in the
 * same run. The target is a median at most twice the trivial main's. One more row runs {@code runs} with the
 * archive off (what it is worth), and, when {@code mvn -Pdist} built it, each command runs again from the
 * self-contained distribution.
 *
 * <pre>{@code
 * List<FigureResult> rows = CliFigure.measure(broker, 15, 3);
 * }</pre>
 */
final class CliFigure {
    static final String APP = "dev.bgtasks.bench.cli";
    private static final long DEADLINE_SECONDS = 60;
    private static final Target TARGET = Target.atMost(2, "median ratio");

    private CliFigure() {
    }

    /** The commands measured, by the name of their row. */
    static Map<String, List<String>> commands() {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("runs", List.of("runs", "--app", APP, "--json"));
        commands.put("tasks", List.of("tasks", "--app", APP, "--json"));
        commands.put("signals", List.of("signals", "--json"));
        commands.put("doctor", List.of("doctor"));
        commands.put("access status", List.of("access", "status", "--app", APP));
        commands.put("trigger", List.of("trigger", "--app", APP, "--json"));
        return commands;
    }

    /**
     * One row per command for the checkout's {@code ./bgtask} (bench/run's working directory is the repository
     * root), then, when {@code mvn -Pdist} built it, one per command for the self-contained distribution's
     * {@code bin/bgtask}, whose bundled runtime is the same JDK's (the baseline stays this {@code java}).
     */
    public static List<FigureResult> measure(BenchBroker broker, int samples, int warmup)
            throws IOException, InterruptedException {
        Path launcher = Path.of("bgtask").toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            throw new IOException(launcher + " is missing: bench/run runs from the repository root");
        }
        Map<String, String> env = Map.of("BGTASKS_HOME", broker.home().toString(),
                "BGTASKS_CLI_CACHE", broker.home().resolve("cli-cache").toString(),
                "JAVA", BenchBroker.javaExecutable());
        broker.allow(APP);
        run(env, launcher, List.of("register", "--app", APP, "--name", "true", "--", "/bin/true"));
        List<FigureResult> rows = new ArrayList<>(measure(broker, launcher, "", env, commands(), samples, warmup));
        // The same launcher without its archive: what the archive and the short-call options are worth, same run.
        Map<String, String> plain = new java.util.HashMap<>(env);
        plain.put("BGTASKS_CLI_ARCHIVE", "off");
        rows.addAll(measure(broker, launcher, " (no archive)", plain, Map.of("runs", commands().get("runs")), samples,
                warmup));
        Path dist = distribution();
        if (dist != null) {
            rows.addAll(measure(broker, dist, " (self-contained)", env, commands(), samples, warmup));
        }
        return rows;
    }

    /** The unpacked distribution's launcher that {@code mvn -Pdist} left in dist/target, or null. */
    private static Path distribution() throws IOException {
        Path built = Path.of("dist", "target", "dist");
        if (!Files.isDirectory(built)) {
            return null;
        }
        try (var entries = Files.list(built)) {
            return entries.map(d -> d.resolve("bin/bgtask")).filter(Files::isExecutable).findFirst()
                    .map(Path::toAbsolutePath).orElse(null);
        }
    }

    private static List<FigureResult> measure(BenchBroker broker, Path launcher, String which,
                                              Map<String, String> env, Map<String, List<String>> commands,
                                              int samples, int warmup)
            throws IOException, InterruptedException {
        List<String> baseline = List.of(BenchBroker.javaExecutable(), "-cp", EndToEnd.codeSource().toString(),
                TrivialMain.class.getName());
        List<FigureResult> rows = new ArrayList<>();
        for (Map.Entry<String, List<String>> command : commands.entrySet()) {
            Samples cli = new Samples(samples);
            Samples base = new Samples(samples);
            Samples cliCpu = new Samples(samples);
            Samples baseCpu = new Samples(samples);
            for (int i = -warmup; i < samples; i++) {
                long[] call = run(env, launcher, command.getValue());
                long[] trivial = time(new ProcessBuilder(baseline), Map.of(), "TrivialMain");
                if (i >= 0) {
                    cli.add(call[0]);
                    base.add(trivial[0]);
                    cliCpu.add(call[1]);
                    baseCpu.add(trivial[1]);
                }
            }
            Summary c = cli.summary();
            Summary b = base.summary();
            Summary cc = cliCpu.summary();
            Summary bc = baseCpu.summary();
            double ratio = c.medianMillis() / b.medianMillis();
            Map<String, Object> details = EndToEnd.details(c, b);
            details.put("bgtasksCpu", cc);
            details.put("baselineCpu", bc);
            details.put("argv", command.getValue());
            details.put("archive", archiveState(broker.home().resolve("cli-cache")));
            details.put("launcher", launcher.toString());
            rows.add(FigureResult.measured("cli", "`bgtask " + String.join(" ", command.getValue()) + "`" + which,
                    Samples.medianP95(c) + "; CPU median " + Numbers.format(cc.medianMillis()) + " ms",
                    "`java -cp <bench jar> TrivialMain`: " + Samples.medianP95(b) + "; CPU median "
                            + Numbers.format(bc.medianMillis()) + " ms", ratio,
                    "ratio " + Numbers.format(ratio) + " (+" + Numbers.format(c.medianMillis() - b.medianMillis())
                            + " ms); CPU ratio " + Numbers.format(cc.medianMillis() / bc.medianMillis()),
                    TARGET, details));
            if (command.getKey().equals("trigger")) {
                broker.endAllInstances();
            }
        }
        return rows;
    }

    private static long[] run(Map<String, String> env, Path launcher, List<String> args)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(launcher.toString());
        argv.addAll(args);
        return time(new ProcessBuilder(argv), env, "bgtask " + String.join(" ", args));
    }

    /**
     * Wall time from start to exit, and the CPU time (user + system) of the command and its children, which a
     * busy machine disturbs far less than wall time: the command runs under {@code sh}, whose {@code times}
     * reports its children's. A call that fails fails the figure, with its output.
     */
    private static long[] time(ProcessBuilder command, Map<String, String> env, String what)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("bench-cli", ".out");
        Path times = Files.createTempFile("bench-cli", ".times");
        try {
            List<String> argv = new ArrayList<>(List.of("sh", "-c",
                    "\"$@\"; status=$?; times > \"$BENCH_TIMES\"; exit $status", "sh"));
            argv.addAll(command.command());
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            builder.environment().put("BENCH_TIMES", times.toString());
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + " did not exit within " + DEADLINE_SECONDS + " s");
            }
            long nanos = System.nanoTime() - start;
            if (process.exitValue() != 0) {
                throw new IOException(what + " exited " + process.exitValue() + ": "
                        + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
            return new long[] {nanos, childCpuNanos(Files.readString(times, StandardCharsets.UTF_8))};
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(times);
        }
    }

    /** The children's user and system time from the second line of {@code times} ("0m0.250000s 0m0.030000s"). */
    static long childCpuNanos(String timesOutput) {
        String[] lines = timesOutput.strip().split("\n");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s")
                .matcher(lines[lines.length - 1]);
        double seconds = 0;
        int found = 0;
        while (m.find()) {
            seconds += Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
            found++;
        }
        if (found != 2) {
            throw new IllegalArgumentException("not the output of times: " + timesOutput);
        }
        return Math.round(seconds * 1e9);
    }

    private static String archiveState(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return "none";
        }
        try (var files = Files.list(cache)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList().toString();
        }
    }
}
