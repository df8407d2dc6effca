package dev.bgtasks.macos.signals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Low Power Mode from {@code pmset -g}, run through commons-exec: the fallback where {@code NSProcessInfo} has no
 * {@code isLowPowerModeEnabled}. Most Macs print {@code lowpowermode 0|1}; Macs with High Power Mode print
 * {@code powermode 0|1|2} (automatic, low, high) instead. Both are for the power source in use.
 *
 * <pre>{@code
 * Optional<Boolean> low = PmsetLowPowerMode.parse(" lowpowermode         1\n");   // Optional[true]
 * }</pre>
 */
final class PmsetLowPowerMode implements PowerModeReader {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(PmsetLowPowerMode.class);

    /** Runs {@code pmset -g} and returns what it printed. */
    @FunctionalInterface
    interface Runner {
        String run() throws IOException;
    }

    private final Runner runner;
    private volatile String reason = "";
    private volatile String failure;

    PmsetLowPowerMode() {
        this(PmsetLowPowerMode::runPmset);
    }

    PmsetLowPowerMode(Runner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** Why the fallback is in use, for describe(). */
    void because(String why) {
        reason = Objects.requireNonNull(why, "why");
    }

    /**
     * The Low Power Mode a {@code pmset -g} output states: {@code lowpowermode} first, else {@code powermode} (1 is
     * low); empty when neither line is there or its value is not a number.
     */
    static Optional<Boolean> parse(String output) {
        Optional<Boolean> byPowerMode = Optional.empty();
        for (String line : output.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length != 2) {
                continue;
            }
            Optional<Integer> value = number(words[1]);
            if (value.isEmpty()) {
                continue;
            }
            if (words[0].equals("lowpowermode")) {
                return Optional.of(value.get() == 1);
            }
            if (words[0].equals("powermode")) {
                byPowerMode = Optional.of(value.get() == 1);
            }
        }
        return byPowerMode;
    }

    private static Optional<Integer> number(String word) {
        try {
            return Optional.of(Integer.parseInt(word));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Boolean> lowPowerMode() {
        try {
            Optional<Boolean> low = parse(runner.run());
            failure = low.isPresent() ? null : "pmset -g printed neither lowpowermode nor powermode";
            return low;
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                LOG.warn("pmset -g failed: {}", e.toString());
            }
            failure = "pmset -g failed: " + e.getMessage();
            return Optional.empty();
        }
    }

    private static String runPmset() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setStreamHandler(new PumpStreamHandler(out));
        executor.setWatchdog(ExecuteWatchdog.builder().setTimeout(TIMEOUT).get());
        executor.execute(new CommandLine("/usr/bin/pmset").addArgument("-g"));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
        String why = reason.isEmpty() ? "" : " (fallback: " + reason + ")";
        String now = failure == null ? "" : "; " + failure;
        return "pmset -g lowpowermode/powermode" + why + now;
    }
}
