package dev.bgtasks.linux.cgroup;

import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.TaskSupervisor;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's cgroup2 directory: its limits ({@code memory.max}, {@code memory.swap.max=0},
 * {@code memory.oom.group=1}, {@code pids.max}), its counters ({@code memory.current}, {@code memory.peak},
 * {@code memory.events}, {@code pids.events}, {@code cpu.stat}) and its kill ({@code cgroup.kill}, or freeze and
 * SIGKILL before Linux 5.14). {@link CgroupV2Driver} makes them beneath the broker's cgroup; {@link SystemdScopeSandbox}
 * reads the scope systemd made for a task through one.
 *
 * <pre>{@code
 * CgroupV2Task task = new CgroupV2Task(fs, "t0123", dir, "/user.slice/.../bgtasks/instances/t0123");
 * task.applyLimits(limits);
 * long peak = task.peakMemoryBytes().orElse(task.memoryBytes());
 * }</pre>
 */
final class CgroupV2Task extends CgroupTask {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupV2Task.class);

    private final Path dir;
    private final String expectedPath;

    /**
     * @param dir the task's directory
     * @param expectedPath the cgroup as the {@code 0::} line of {@code /proc/<pid>/cgroup} names it for a process
     *                     inside
     */
    CgroupV2Task(CgroupFs fs, String name, Path dir, String expectedPath) {
        super(fs, name);
        this.dir = dir;
        this.expectedPath = expectedPath;
    }

    @Override
    List<Path> dirs() {
        return List.of(dir);
    }

    @Override
    boolean holds(String procCgroup) {
        return CgroupParsers.procCgroup(procCgroup).stream()
                .anyMatch(m -> m.unified() && m.path().equals(expectedPath));
    }

    @Override
    void applyLimits(ResourceLimits limits) throws IOException {
        OptionalLong memory = limits.memoryLimit();
        if (memory.isPresent() && fs.exists(dir.resolve("memory.swap.max"))) {
            fs.write(dir.resolve("memory.swap.max"), "0");
        }
        fs.write(dir.resolve("memory.max"), memory.isPresent() ? Long.toString(memory.getAsLong()) : "max");
        if (fs.exists(dir.resolve("memory.oom.group"))) {
            fs.write(dir.resolve("memory.oom.group"), "1");
        }
        fs.write(dir.resolve("pids.max"), Integer.toString(limits.effectiveMaxProcesses()));
    }

    @Override
    long memoryBytes() {
        return readNumber(dir.resolve("memory.current"));
    }

    @Override
    OptionalLong peakMemoryBytes() {
        Path peak = dir.resolve("memory.peak");
        return fs.exists(peak) ? OptionalLong.of(readNumber(peak)) : OptionalLong.empty();
    }

    @Override
    long oomKills() {
        return readKey(dir.resolve("memory.events"), "oom_kill");
    }

    @Override
    boolean killsTreeOnOom() {
        return fs.exists(dir.resolve("memory.oom.group"));
    }

    @Override
    long processLimitHits() {
        return readKey(dir.resolve("pids.events"), "max");
    }

    @Override
    TaskSupervisor.Counters counterFiles() {
        return new TaskSupervisor.Counters(dir.resolve("memory.peak"), dir.resolve("memory.events"),
                dir.resolve("pids.events"));
    }

    @Override
    int processCount() {
        return (int) readNumber(dir.resolve("pids.current"));
    }

    @Override
    Duration cpuTime() {
        return Duration.ofNanos(readKey(dir.resolve("cpu.stat"), "usage_usec") * 1000);
    }

    @Override
    void kill() {
        long end = System.nanoTime() + KILL_DEADLINE.toNanos();
        boolean atomic = fs.exists(dir.resolve("cgroup.kill"));
        while (!isEmpty() && System.nanoTime() - end < 0) {
            try {
                if (atomic) {
                    fs.write(dir.resolve("cgroup.kill"), "1");
                } else {
                    freezeAndKill();
                }
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                LOG.warn("killing task cgroup {} failed", dir, e);
                killPids(pids());
            }
            waitUntil(this::isEmpty, Duration.ofMillis(300));
        }
        logLeft(atomic ? "cgroup.kill" : "freeze and SIGKILL");
    }

    // Before cgroup.kill (Linux 5.14): frozen processes cannot fork, so one round of SIGKILL catches all.
    private void freezeAndKill() throws IOException {
        fs.write(dir.resolve("cgroup.freeze"), "1");
        waitUntil(() -> readKey(dir.resolve("cgroup.events"), "frozen") == 1, Duration.ofSeconds(1));
        killPids(pids());
        fs.write(dir.resolve("cgroup.freeze"), "0");
    }

    /** {@return whether the directory is still there} */
    boolean exists() {
        return fs.exists(dir);
    }

    /**
     * One write to {@code cgroup.kill}, without waiting for the cgroup to empty: for a cgroup systemd owns, which it
     * removes itself once empty.
     *
     * @return false when the file is missing (before Linux 5.14, or the cgroup is gone) or the write failed
     */
    boolean writeKill() {
        Path kill = dir.resolve("cgroup.kill");
        if (!fs.exists(kill)) {
            return false;
        }
        try {
            fs.write(kill, "1");
            return true;
        } catch (IOException e) {
            LOG.warn("writing {} failed", kill, e);
            return false;
        }
    }
}
