package dev.bgtasks.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the soak scenario measures at one point (SPEC B7): the data directory's bytes (the WAL apart, which is
 * bounded but never flat: it fills between checkpoints), its WAL, its file count, the broker log directory's bytes
 * and the broker's RSS.
 *
 * @param cycles cycles done when sampled
 * @param dataBytes bytes of every file in the data directory but the SQLite WAL and shared-memory files
 * @param walBytes bytes of the WAL
 * @param files files in the data directory, the WAL's included
 * @param logBytes bytes of the broker log directory
 * @param rssKib the broker's resident memory
 */
record SoakSample(long cycles, long dataBytes, long walBytes, long files, long logBytes, long rssKib) {
    /** How much a flat figure may grow from the middle of the run to its end. */
    static final double FLAT = 1.10;

    static SoakSample take(long cycles, Path dataDir, Path logDir, long rssKib) {
        long data = 0;
        long wal = 0;
        long files = 0;
        for (Path file : files(dataDir)) {
            long size = sizeOf(file);
            files++;
            String name = file.getFileName().toString();
            if (name.endsWith("-wal")) {
                wal += size;
            } else if (!name.endsWith("-shm")) {
                data += size;
            }
        }
        long log = files(logDir).stream().mapToLong(SoakSample::sizeOf).sum();
        return new SoakSample(cycles, data, wal, files, log, rssKib);
    }

    /** The problems of a run: growth of more than 10 % from the middle to the end, or a bound passed. */
    static List<String> problems(SoakSample middle, SoakSample end, long walBound, long logBound) {
        List<String> problems = new ArrayList<>();
        grew(problems, "data directory bytes", middle.dataBytes, end.dataBytes);
        grew(problems, "data directory files", middle.files, end.files);
        grew(problems, "broker RSS KiB", middle.rssKib, end.rssKib);
        for (SoakSample s : List.of(middle, end)) {
            if (s.walBytes > walBound) {
                problems.add(String.format(Locale.ROOT, "the WAL holds %d bytes at cycle %d, over its bound %d",
                        s.walBytes, s.cycles, walBound));
            }
            if (s.logBytes > logBound) {
                problems.add(String.format(Locale.ROOT, "the broker log holds %d bytes at cycle %d, over its bound %d",
                        s.logBytes, s.cycles, logBound));
            }
        }
        return problems;
    }

    private static void grew(List<String> problems, String what, long middle, long end) {
        if (end > middle * FLAT) {
            problems.add(String.format(Locale.ROOT, "%s grew %.1f %% from the middle of the run to its end "
                    + "(%d to %d; bound 10 %%)", what, 100.0 * (end - middle) / Math.max(1, middle), middle, end));
        }
    }

    String describe(String at) {
        return String.format(Locale.ROOT, "at %s (%d cycles): data %d KiB + WAL %d KiB in %d files, broker log %d KiB,"
                + " broker RSS %d KiB", at, cycles, dataBytes / 1024, walBytes / 1024, files, logBytes / 1024, rssKib);
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // a file deleted under the walk: the next sample sees the settled directory
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
