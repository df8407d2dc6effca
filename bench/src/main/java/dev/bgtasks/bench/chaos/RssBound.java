package dev.bgtasks.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The broker's resident memory against where it stood after warm-up: every sample must stay within a factor
 * (1.2: 20 % over) of the baseline. Reads {@code VmRSS} from {@code /proc/<pid>/status}.
 */
final class RssBound {
    private final double factor;
    private long baselineKib = -1;
    private long maxKib;
    private long samples;

    RssBound(double factor) {
        this.factor = factor;
    }

    /** {@code VmRSS} in KiB from the text of a {@code /proc/<pid>/status} file. */
    static Optional<Long> vmRssKib(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                return Optional.of(Long.parseLong(parts[0]));
            }
        }
        return Optional.empty();
    }

    static Optional<Long> vmRssKib(long pid) {
        try {
            return vmRssKib(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void baseline(long kib) {
        baselineKib = kib;
        maxKib = kib;
    }

    boolean hasBaseline() {
        return baselineKib > 0;
    }

    /** One sample after warm-up; the violation when it is over the bound. */
    Optional<String> sample(long kib) {
        if (baselineKib <= 0) {
            throw new IllegalStateException("no baseline yet");
        }
        samples++;
        maxKib = Math.max(maxKib, kib);
        if (kib > baselineKib * factor) {
            return Optional.of(String.format(Locale.ROOT, "broker RSS %d KiB is %.0f %% over the %d KiB it had"
                    + " after warm-up (bound %.0f %%)", kib, 100.0 * (kib - baselineKib) / baselineKib,
                    baselineKib, 100 * (factor - 1)));
        }
        return Optional.empty();
    }

    long baselineKib() {
        return baselineKib;
    }

    long maxKib() {
        return maxKib;
    }

    long samples() {
        return samples;
    }
}
