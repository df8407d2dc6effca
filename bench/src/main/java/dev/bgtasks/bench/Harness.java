package dev.bgtasks.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry point of {@code bench/run}: measures the figures of issue 8 against their baselines on real
 * out-of-process brokers, runs the JMH benchmarks, prints the Markdown table and writes
 * {@code bench-results.json}. A figure that fails is reported as ERROR with its cause and the others still run;
 * every broker, temp home and network namespace is removed whatever happens.
 *
 * <pre>{@code
 * java -cp <bench classpath> dev.bgtasks.bench.Harness --java-samples 5 --only java-start,command
 * }</pre>
 */
public final class Harness {
    private Harness() {
    }

    /**
     * Runs the figures the flags pick; exits 2 on bad flags.
     *
     * @param args the flags of {@code bench/run --help}
     * @throws IOException when the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println("bench/run [flags]; " + BenchOptions.usage());
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Machine machine = Machine.describeThisOne();
        List<FigureResult> rows = new ArrayList<>();
        long started = System.nanoTime();
        runEndToEnd(options, rows);
        if (options.runs("netns")) {
            rows.add(figure("netns", "condition flip → task start (netns)", Target.atMost(20, "p95 ms"),
                    () -> NetnsFigure.measure(options.count("netns-samples"), options.count("warmup"))));
        }
        if (options.runs("jmh")) {
            progress("JMH benchmarks");
            try {
                rows.addAll(JmhFigures.run(options));
            } catch (Exception | LinkageError e) {
                rows.add(FigureResult.failed("jmh", "JMH benchmarks", null, describe(e)));
            }
        }
        Report report = new Report(machine, options.counts(), rows);
        Path json = options.outputDirectory().resolve("bench-results.json");
        report.writeJson(json);
        System.out.println();
        System.out.print(report.markdown());
        System.out.printf("%nJSON: %s (whole run %.0f s)%n", json, (System.nanoTime() - started) / 1e9);
    }

    private static void runEndToEnd(BenchOptions options, List<FigureResult> rows) {
        boolean any = List.of("java-start", "java-warm", "fsync", "command", "rtt", "rate", "idle", "oom", "cli").stream()
                .anyMatch(options::runs);
        if (!any) {
            return;
        }
        progress("starting a broker");
        try (BenchBroker broker = BenchBroker.start()) {
            EndToEnd e2e = new EndToEnd(broker, options.count("warmup"));
            if (options.runs("java-start")) {
                rows.add(figure("java-start", "trigger → first line of a Java task's run",
                        Target.atMost(3.0, "median ratio (cold start)"), () -> e2e.javaStart(options.count("java-samples"))));
            }
            if (options.runs("command") || options.runs("fsync")) {
                rows.add(figure("fsync", "fsync floor", null, () -> e2e.fsyncFloor(options.count("fsync-samples"))));
            }
            if (options.runs("java-warm")) {
                rows.add(figure("java-warm", "trigger → first line of a Java task's run on a standby host",
                        Target.atMost(0.25, "median ratio"), () -> e2e.javaWarmStart(options.count("java-samples"))));
            }
            if (options.runs("command")) {
                rows.add(figure("command", "trigger → exit of a /bin/true command task", e2e.commandTarget(),
                        () -> e2e.commandTask(options.count("command-samples"))));
            }
            if (options.runs("rtt")) {
                rows.add(figure("rtt", "requestAsync answered CURRENTLY_RUNNING", Target.atMost(0.3, "p50 ms"),
                        () -> e2e.currentlyRunning(options.count("rtt-samples"))));
            }
            if (options.runs("rate")) {
                rows.add(figure("rate", "sequential trigger → completion cycles/s", Target.atLeast(0.5, "rate ratio"),
                        () -> e2e.cycleRate(options.count("cycles"))));
            }
            if (options.runs("oom")) {
                rows.add(figure("oom", "memory-hog detection", Target.atMost(100, "median ms"),
                        () -> e2e.memoryHog(options.count("oom-samples"))));
            }
            if (options.runs("cli")) {
                progress("cli (bgtask calls against TrivialMain)");
                try {
                    rows.addAll(CliFigure.measure(broker, options.count("cli-samples"), options.count("warmup")));
                } catch (IOException | RuntimeException e) {
                    rows.add(FigureResult.failed("cli", "bgtask calls", Target.atMost(2, "median ratio"),
                            describe(e)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (options.runs("idle")) {
                progress("idle (" + options.count("idle-seconds") + " s)");
                try {
                    rows.addAll(IdleFigure.measure(broker, options.count("idle-seconds")));
                } catch (IOException | RuntimeException e) {
                    rows.add(FigureResult.failed("idle", "broker idle", Target.atMost(100, "CPU ms"), describe(e)));
                }
            }
        } catch (IOException | RuntimeException e) {
            rows.add(FigureResult.failed("broker", "starting or stopping the broker", null, describe(e)));
        }
    }

    /** A figure's measurement, which may throw. */
    @FunctionalInterface
    interface Measurement {
        FigureResult measure() throws Exception;
    }

    private static FigureResult figure(String id, String name, Target target, Measurement measurement) {
        progress(id);
        long start = System.nanoTime();
        try {
            FigureResult result = measurement.measure();
            progress(String.format("%s done in %.1f s: %s", id, (System.nanoTime() - start) / 1e9, result.result()));
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FigureResult.failed(id, name, target, "interrupted");
        } catch (Exception e) {
            progress(id + " failed: " + describe(e));
            return FigureResult.failed(id, name, target, describe(e));
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void progress(String text) {
        System.err.println("bench: " + text);
    }
}
