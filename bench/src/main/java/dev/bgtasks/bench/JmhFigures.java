package dev.bgtasks.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH benchmarks of this module ({@link DecisionBenchmark}, {@link FrameBenchmark}) with short settings,
 * in forked JVMs on this JVM's classpath, and turns each score into a row (no target: issue 8 asks for the
 * numbers).
 *
 * <pre>{@code
 * List<FigureResult> rows = JmhFigures.run(BenchOptions.parse(new String[0]));
 * }</pre>
 */
final class JmhFigures {
    private JmhFigures() {
    }

    /** Runs the benchmarks matching the options' include pattern. */
    public static List<FigureResult> run(BenchOptions options) throws RunnerException {
        Options jmh = new OptionsBuilder()
                .include(options.jmhInclude())
                .forks(options.count("jmh-forks"))
                .warmupIterations(options.count("jmh-warmups"))
                .warmupTime(TimeValue.seconds(options.count("jmh-seconds")))
                .measurementIterations(options.count("jmh-iterations"))
                .measurementTime(TimeValue.seconds(options.count("jmh-seconds")))
                // The broker logs every decision at INFO: keep the formatting cost, drop the terminal output.
                .jvmArgsAppend("-Dorg.slf4j.simpleLogger.logFile=/dev/null")
                .shouldFailOnError(true)
                // The harness prints the scores in its table; JMH's own report would bury it.
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(jmh).run();
        List<FigureResult> rows = new ArrayList<>();
        for (RunResult result : results) {
            Result<?> primary = result.getPrimaryResult();
            String benchmark = result.getParams().getBenchmark();
            String shortName = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            String score = Numbers.format(primary.getScore()) + " ± " + Numbers.format(primary.getScoreError())
                    + " " + primary.getScoreUnit();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("benchmark", benchmark);
            details.put("score", primary.getScore());
            details.put("error", primary.getScoreError());
            details.put("unit", primary.getScoreUnit());
            details.put("mode", result.getParams().getMode().shortLabel());
            rows.add(FigureResult.measured("jmh", "JMH " + shortName, score, "—", primary.getScore(), score,
                    null, details));
        }
        return rows;
    }
}
