package dev.bgtasks.bench.chaos;

import dev.bgtasks.spi.RunToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The task cgroups a Linux broker made: {@code <broker's cgroup>/bgtasks/instances/t<sha-256 of the run token>}
 * in each hierarchy the broker belongs to (the naming of {@code CgroupSandbox}). After every task has ended, each
 * must be gone or empty; the suite removes the empty ones it leaves behind.
 */
final class TaskCgroups {
    private final List<Path> instanceRoots;

    TaskCgroups(List<Path> instanceRoots) {
        this.instanceRoots = List.copyOf(instanceRoots);
    }

    /** The instance roots of the broker with this pid, from its {@code /proc/<pid>/cgroup}. */
    static TaskCgroups ofProcess(long pid) throws IOException {
        return new TaskCgroups(instanceRoots(Path.of("/sys/fs/cgroup"),
                Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"), StandardCharsets.UTF_8)));
    }

    /** Candidate {@code .../bgtasks/instances} directories for {@code /proc/<pid>/cgroup} lines. */
    static List<Path> instanceRoots(Path cgroupMount, List<String> procCgroupLines) {
        Set<Path> roots = new LinkedHashSet<>();
        for (String line : procCgroupLines) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            String relative = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
            List<Path> mounts = new ArrayList<>();
            if (parts[1].isEmpty()) {
                mounts.add(cgroupMount);
                mounts.add(cgroupMount.resolve("unified"));
            } else {
                for (String controller : parts[1].split(",")) {
                    mounts.add(cgroupMount.resolve(controller.replace("name=", "")));
                }
                mounts.add(cgroupMount.resolve(parts[1].replace("name=", "")));
            }
            for (Path mount : mounts) {
                roots.add((relative.isEmpty() ? mount : mount.resolve(relative)).resolve("bgtasks")
                        .resolve("instances"));
            }
        }
        return List.copyOf(roots);
    }

    /** The task cgroup's name for a run token, as {@code CgroupSandbox} derives it. */
    static String taskName(String runToken) {
        return "t" + RunToken.hashHex(runToken, 16);
    }

    /** Task cgroups of these run tokens that still hold a process. */
    List<String> occupied(List<String> runTokens) {
        List<String> problems = new ArrayList<>();
        for (String token : runTokens) {
            for (Path root : instanceRoots) {
                Path procs = root.resolve(taskName(token)).resolve("cgroup.procs");
                try {
                    if (Files.exists(procs) && !Files.readString(procs).isBlank()) {
                        problems.add("task cgroup " + procs.getParent() + " still holds processes "
                                + Files.readString(procs).trim().replace('\n', ' '));
                    }
                } catch (IOException e) {
                    // removed between the two reads: empty
                }
            }
        }
        return problems;
    }

    /** Removes the (empty) task cgroups of these run tokens; a cgroup directory goes with rmdir. */
    int removeEmpty(List<String> runTokens) {
        int removed = 0;
        for (String token : runTokens) {
            for (Path root : instanceRoots) {
                try {
                    if (Files.deleteIfExists(root.resolve(taskName(token)))) {
                        removed++;
                    }
                } catch (IOException e) {
                    System.err.println("chaos: could not remove task cgroup " + root.resolve(taskName(token))
                            + ": " + e.getMessage());
                }
            }
        }
        return removed;
    }
}
