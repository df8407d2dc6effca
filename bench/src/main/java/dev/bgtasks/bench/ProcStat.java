package dev.bgtasks.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads what the idle-broker figure counts from {@code /proc}: CPU time ({@code stat} utime + stime, in clock
 * ticks; {@code schedstat}'s nanoseconds per thread), context switches per thread ({@code status}
 * voluntary and nonvoluntary), and the resident set ({@code VmRSS}).
 *
 * <pre>{@code
 * Map<Long, ProcStat.ThreadSample> before = ProcStat.threads(pid);
 * long rssKib = ProcStat.statusValue(Files.readString(Path.of("/proc/" + pid + "/status")), "VmRSS");
 * }</pre>
 */
final class ProcStat {
    private ProcStat() {
    }

    /**
     * One thread at one moment.
     *
     * @param name its {@code comm} (15 characters at most)
     * @param voluntarySwitches times it gave up the CPU (blocked, slept, waited)
     * @param involuntarySwitches times it was preempted
     * @param cpuNanos time on the CPU, from {@code schedstat}
     */
    public record ThreadSample(String name, long voluntarySwitches, long involuntarySwitches, long cpuNanos) {
    }

    /** utime + stime of a process, in clock ticks, from the text of {@code /proc/<pid>/stat}. */
    public static long cpuTicks(String statText) {
        // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
        int close = statText.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + statText);
        }
        String[] fields = statText.substring(close + 1).strip().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        if (fields.length < 13) {
            throw new IllegalArgumentException("a /proc/<pid>/stat line with too few fields: " + statText);
        }
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The number of a {@code Key:  value [kB]} line of a {@code status} file. */
    public static long statusValue(String statusText, String key) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith(key + ":")) {
                String value = line.substring(key.length() + 1).strip();
                int space = value.indexOf(' ');
                return Long.parseLong(space < 0 ? value : value.substring(0, space));
            }
        }
        throw new IllegalArgumentException("no " + key + " in this status file");
    }

    /** The first field of {@code schedstat}: nanoseconds on the CPU. */
    public static long schedstatNanos(String schedstatText) {
        return Long.parseLong(schedstatText.strip().split("\\s+")[0]);
    }

    /** The process's CPU ticks now. */
    public static long cpuTicks(long pid) throws IOException {
        return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** The process's resident set now, in KiB. */
    public static long rssKib(long pid) throws IOException {
        return statusValue(Files.readString(Path.of("/proc", Long.toString(pid), "status")), "VmRSS");
    }

    /** Every thread of the process now, by thread id; a thread that ends while being read is left out. */
    public static Map<Long, ThreadSample> threads(long pid) throws IOException {
        Map<Long, ThreadSample> threads = new LinkedHashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String status = Files.readString(task.resolve("status"));
                    threads.put(Long.parseLong(task.getFileName().toString()), new ThreadSample(
                            Files.readString(task.resolve("comm")).strip(),
                            statusValue(status, "voluntary_ctxt_switches"),
                            statusValue(status, "nonvoluntary_ctxt_switches"),
                            schedstatNanos(Files.readString(task.resolve("schedstat")))));
                } catch (IOException ended) {
                    // the thread exited between the listing and the read
                }
            }
        }
        return threads;
    }

    /** Clock ticks per second ({@code getconf CLK_TCK}); 100, the value of every mainstream Linux, if unknown. */
    public static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (getconf.waitFor() == 0) {
                return Long.parseLong(out.strip());
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the usual value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
