package dev.bgtasks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What a run ran on: cores, CPU model, kernel, JDK and when, for the JSON and the README's machine line.
 *
 * <pre>{@code
 * Machine m = Machine.describeThisOne();
 * m.line();   // "2 cores (Intel Xeon ...), Linux 6.1.0, OpenJDK 17.0.15, 2026-11-25T17:30:00Z"
 * }</pre>
 *
 * @param cores available processors
 * @param cpuModel the first {@code model name} of /proc/cpuinfo, or "unknown"
 * @param kernel {@code os.name} and {@code os.version}
 * @param jdk the runtime name and version
 * @param date when the run started (UTC, seconds)
 */
record Machine(int cores, String cpuModel, String kernel, String jdk, String date) {
    /** This JVM's host. */
    public static Machine describeThisOne() {
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** One line for the README. */
    public String line() {
        return cores + " cores (" + cpuModel + "), " + kernel + ", " + jdk + ", " + date;
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: the line says so
        }
        return "unknown";
    }
}
