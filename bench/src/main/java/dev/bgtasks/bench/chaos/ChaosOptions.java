package dev.bgtasks.bench.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The suite's flags. Defaults are the numbers of issue 8; every count and time bound can be scaled down (or up).
 *
 * @param seed the seed of every random choice; printed at start so a run can be replayed with {@code --seed}
 * @param scenarios which scenarios run, in the suite's order
 * @param killCycles SIGKILL cycles of scenario 1
 * @param killTime time bound of scenario 1
 * @param hammerProcesses app processes of scenario 2
 * @param hammerThreads threads per app process
 * @param hammerCalls {@code requestAsync} calls per thread
 * @param hammerTime time bound of scenario 2
 * @param fuzzFrames fuzzed frames of scenario 3
 * @param fuzzCheckEvery a well-formed call after this many fuzzed frames
 * @param fuzzTime time bound of scenario 3
 * @param crowdApps concurrent apps of scenario 5 (issue 20)
 * @param crowdProcesses app processes the crowd's apps are spread over (threads of each)
 * @param crowdStalled peers that stop in the middle of a frame beside the crowd
 * @param crowdRamp the time over which the connected apps start their work, evenly spread (0: all at once)
 * @param crowdTime time bound of scenario 5
 * @param soakCycles trigger → completion cycles of the soak (scenario 6, only with {@code --only soak})
 * @param output the JSON file
 */
record ChaosOptions(long seed, Set<String> scenarios, int killCycles, Duration killTime, int hammerProcesses,
                    int hammerThreads, int hammerCalls, Duration hammerTime, int fuzzFrames, int fuzzCheckEvery,
                    Duration fuzzTime, int crowdApps, int crowdProcesses, int crowdStalled, Duration crowdRamp, Duration crowdTime,
                    int soakCycles, Path output) {
    /** Every scenario, in the suite's order; each draws its seed in this order. */
    static final List<String> ALL_SCENARIOS = List.of("kill", "hammer", "fuzz", "disk", "crowd", "soak");
    /** What runs without {@code --only}: the soak takes hours at its default count, so it runs when named. */
    static final List<String> DEFAULT_SCENARIOS = List.of("kill", "hammer", "fuzz", "disk", "crowd");

    static final String USAGE = """
            usage: bench/chaos [--seed N] [--only kill,hammer,fuzz,disk,crowd,soak]
                   [--kill-cycles 100] [--kill-seconds 360]
                   [--hammer-processes 2] [--hammer-threads 32] [--hammer-calls 1000] [--hammer-seconds 75]
                   [--fuzz-frames 100000] [--fuzz-check-every 500] [--fuzz-seconds 75]
                   [--crowd-apps 1000] [--crowd-processes 4] [--crowd-stalled 100] [--crowd-ramp-seconds 60]
                   [--crowd-seconds 240] [--soak-cycles 100000]
                   [--out bench/target/chaos-results.json]
            The time bounds keep the whole suite under 10 minutes on a slow machine: a scenario that reaches its
            bound stops, and the table says how far it got. The disk-full scenario is bounded by its own
            30-second waits. The soak runs only when named (--only soak): 100,000 cycles take hours.""";

    static ChaosOptions parse(List<String> args, long defaultSeed) {
        long seed = defaultSeed;
        Set<String> scenarios = new LinkedHashSet<>(DEFAULT_SCENARIOS);
        int killCycles = 100;
        long killSeconds = 360;
        int hammerProcesses = 2;
        int hammerThreads = 32;
        int hammerCalls = 1000;
        long hammerSeconds = 75;
        int fuzzFrames = 100_000;
        int fuzzCheckEvery = 500;
        long fuzzSeconds = 75;
        int crowdApps = 1000;
        int crowdProcesses = 4;
        int crowdStalled = 100;
        long crowdRampSeconds = 60;
        long crowdSeconds = 240;
        int soakCycles = 100_000;
        Path output = Path.of("bench", "target", "chaos-results.json");
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            }
            String value = args.get(++i);
            switch (flag) {
                case "--seed" -> seed = number(flag, value, Long.MIN_VALUE);
                case "--only" -> scenarios = scenarios(value);
                case "--kill-cycles" -> killCycles = (int) number(flag, value, 0);
                case "--kill-seconds" -> killSeconds = number(flag, value, 1);
                case "--hammer-processes" -> hammerProcesses = (int) number(flag, value, 1);
                case "--hammer-threads" -> hammerThreads = (int) number(flag, value, 1);
                case "--hammer-calls" -> hammerCalls = (int) number(flag, value, 1);
                case "--hammer-seconds" -> hammerSeconds = number(flag, value, 1);
                case "--fuzz-frames" -> fuzzFrames = (int) number(flag, value, 1);
                case "--fuzz-check-every" -> fuzzCheckEvery = (int) number(flag, value, 1);
                case "--fuzz-seconds" -> fuzzSeconds = number(flag, value, 1);
                case "--crowd-apps" -> crowdApps = (int) number(flag, value, 1);
                case "--crowd-processes" -> crowdProcesses = (int) number(flag, value, 1);
                case "--crowd-stalled" -> crowdStalled = (int) number(flag, value, 0);
                case "--crowd-ramp-seconds" -> crowdRampSeconds = number(flag, value, 0);
                case "--crowd-seconds" -> crowdSeconds = number(flag, value, 1);
                case "--soak-cycles" -> soakCycles = (int) number(flag, value, 10);
                case "--out" -> output = Path.of(value);
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
            }
        }
        return new ChaosOptions(seed, scenarios, killCycles, Duration.ofSeconds(killSeconds), hammerProcesses,
                hammerThreads, hammerCalls, Duration.ofSeconds(hammerSeconds), fuzzFrames, fuzzCheckEvery,
                Duration.ofSeconds(fuzzSeconds), crowdApps, crowdProcesses, crowdStalled,
                Duration.ofSeconds(crowdRampSeconds), Duration.ofSeconds(crowdSeconds), soakCycles, output);
    }

    private static long number(String flag, String value, long minimum) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes a whole number, got \"" + value + "\"", e);
        }
        if (parsed < minimum) {
            throw new IllegalArgumentException(flag + " must be at least " + minimum + ", got " + parsed);
        }
        if (minimum >= 0 && parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(flag + " is too large: " + parsed);
        }
        return parsed;
    }

    private static Set<String> scenarios(String value) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : value.split(",")) {
            String trimmed = name.trim();
            if (!ALL_SCENARIOS.contains(trimmed)) {
                throw new IllegalArgumentException("unknown scenario \"" + trimmed + "\": choose from "
                        + ALL_SCENARIOS);
            }
            chosen.add(trimmed);
        }
        Set<String> ordered = new LinkedHashSet<>();
        ALL_SCENARIOS.stream().filter(chosen::contains).forEach(ordered::add);
        return ordered;
    }
}
