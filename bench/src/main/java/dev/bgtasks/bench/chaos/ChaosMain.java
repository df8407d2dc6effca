package dev.bgtasks.bench.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The chaos suite ({@code bench/chaos}): SIGKILL cycles, a trigger hammered from two processes, fuzzed frames,
 * a full disk, a crowd of apps at once beside stalled peers and (when named) a soak of trigger → completion
 * cycles, each against a real out-of-process broker in a temp home, each bounded in count and time. Prints a
 * table of cycles run, invariants checked and violations found, writes it as JSON, and exits 1 on any violation
 * (2 on bad flags).
 *
 * <pre>{@code
 * bench/chaos                      # every scenario, a fresh seed (printed first)
 * bench/chaos --seed 42 --only kill --kill-cycles 20
 * bench/chaos --only soak --soak-cycles 10000
 * }</pre>
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    /**
     * Runs the suite.
     *
     * @param args the flags of {@code bench/chaos --help}
     * @throws Exception when the suite itself cannot run (a violation is not an exception: it is counted)
     */
    public static void main(String[] args) throws Exception {
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(Arrays.asList(args), System.nanoTime() ^ System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("chaos: seed " + options.seed() + " (replay with --seed " + options.seed() + ")");
        List<ScenarioTally> tallies = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(options.seed());
        for (String name : ChaosOptions.ALL_SCENARIOS) {
            // Each scenario draws from its own stream, so --only replays a scenario exactly as in a full run.
            long scenarioSeed = seeds.nextLong();
            if (!options.scenarios().contains(name)) {
                continue;
            }
            tallies.add(run(name, options, scenarioSeed));
        }
        String table = ChaosReport.table(options.seed(), tallies);
        System.out.println();
        System.out.print(table);
        ChaosReport.write(options.output(), options.seed(), tallies);
        System.out.println("results: " + options.output());
        System.exit(ChaosReport.totalViolations(tallies) == 0 ? 0 : 1);
    }

    private static ScenarioTally run(String name, ChaosOptions options, long seed) {
        long start = System.nanoTime();
        System.out.println("chaos: scenario " + name + " ...");
        ScenarioTally tally = switch (name) {
            case "kill" -> new ScenarioTally("kill -9 cycles", options.killCycles());
            case "hammer" -> new ScenarioTally("requestAsync hammer", (long) options.hammerProcesses()
                    * options.hammerThreads() * options.hammerCalls());
            case "fuzz" -> new ScenarioTally("fuzzed frames", options.fuzzFrames());
            case "disk" -> new ScenarioTally("disk full", 1);
            case "crowd" -> new ScenarioTally("apps at once (crowd)", options.crowdApps());
            case "soak" -> new ScenarioTally("soak", options.soakCycles());
            default -> throw new IllegalArgumentException(name);
        };
        try {
            switch (name) {
                case "kill" -> new KillScenario(options, seed, tally).run();
                case "hammer" -> new HammerScenario(options, tally).run();
                case "fuzz" -> new FuzzScenario(options, seed, tally).run();
                case "disk" -> new DiskFullScenario(options, tally).run();
                case "crowd" -> new CrowdScenario(options, tally).run();
                case "soak" -> new SoakScenario(options, tally).run();
                default -> throw new IllegalArgumentException(name);
            }
        } catch (Exception | AssertionError | LinkageError e) {
            // A linkage error too: the suite runs on the installed jars, which a rebuild may swap under it.
            tally.violation("the scenario failed: " + e);
            e.printStackTrace();
        }
        tally.seconds((System.nanoTime() - start) / 1e9);
        System.out.printf("chaos: %s: %d cycles, %d checks, %d violations, %.1f s%n", tally.name(), tally.cycles(),
                tally.checks(), tally.violations(), tally.seconds());
        return tally;
    }
}
