package dev.bgtasks.linux.cgroup;

import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.TaskSupervisor;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's cgroup: a directory per hierarchy (one on cgroup2; memory, pids, freezer and cpuacct on v1), its
 * limits, counters and kill. Reads fail soft: a counter of a cgroup that is already gone reads as 0, since the
 * sandbox reads them while the kernel may be tearing the cgroup down.
 *
 * <pre>{@code
 * task.applyLimits(limits);
 * if (task.oomKills() > 0) { ... }
 * task.kill();
 * task.remove();
 * }</pre>
 */
abstract class CgroupTask {
    /** How long {@link #kill()} keeps trying before it reports what is left. */
    static final Duration KILL_DEADLINE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(CgroupTask.class);

    /**
     * SPEC B6: the main process among a task cgroup's members that carry {@code runToken}. The command is the member
     * whose parent is its supervisor (a member whose own parent is not one); with the supervisor gone, any member that
     * carries the token stands for the task, so the cgroup is taken back, never started a second time.
     */
    static OptionalLong mainProcessOf(Set<Long> members, CgroupFs fs, String runToken) {
        long standIn = -1;
        for (long pid : members) {
            if (!RunToken.isCarriedByProcess(() -> fs.environ(pid), runToken)) {
                continue;
            }
            long parent = fs.parentOf(pid).orElse(-1);
            if (members.contains(parent) && !members.contains(fs.parentOf(parent).orElse(-1))) {
                return OptionalLong.of(pid);
            }
            if (standIn < 0 || !members.contains(parent)) {
                standIn = pid;
            }
        }
        return standIn < 0 ? OptionalLong.empty() : OptionalLong.of(standIn);
    }

    protected final CgroupFs fs;
    private final String name;

    CgroupTask(CgroupFs fs, String name) {
        this.fs = fs;
        this.name = name;
    }

    String name() {
        return name;
    }

    /** The task's directory in each hierarchy. */
    abstract List<Path> dirs();

    /** The {@code cgroup.procs} files a process writes its pid into to join the task, one per hierarchy. */
    List<Path> procsFiles() {
        return dirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** Whether a {@code /proc/<pid>/cgroup} text shows the process inside this task in every hierarchy. */
    abstract boolean holds(String procCgroup);

    /** Writes the memory and process limits (the process limit always: the default when none was asked). */
    abstract void applyLimits(ResourceLimits limits) throws IOException;

    abstract long memoryBytes();

    /** The kernel's peak of the task's memory, when the kernel keeps one. */
    abstract OptionalLong peakMemoryBytes();

    /** How many processes the kernel's OOM killer killed in the task. */
    abstract long oomKills();

    /**
     * Whether the kernel kills the whole task when its OOM killer strikes in it (cgroup2 {@code memory.oom.group});
     * else the sandbox kills the rest of the tree itself once it sees an OOM kill.
     */
    abstract boolean killsTreeOnOom();

    /** How many forks the process limit refused. */
    abstract long processLimitHits();

    /**
     * The files the task's supervisor reads its peak memory, out-of-memory kills and refused forks from once the
     * command has ended, for a broker that is not there to read them (SPEC B5).
     */
    abstract TaskSupervisor.Counters counterFiles();

    /** Processes and threads in the task now. */
    abstract int processCount();

    abstract Duration cpuTime();

    /** Kills every process in the task, including those that left the session or were reparented (SPEC X13). */
    abstract void kill();

    /**
     * The processes in the task's first hierarchy now: where a process born in the task (after its supervisor
     * joined every hierarchy) shows as soon as in any other, for one read instead of one per hierarchy.
     */
    Set<Long> pidsOfFirstHierarchy() {
        try {
            return new LinkedHashSet<>(CgroupParsers.pids(fs.read(procsFiles().get(0))));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** The processes in the task now, from every hierarchy; empty when the cgroup is gone. */
    Set<Long> pids() {
        Set<Long> out = new LinkedHashSet<>();
        for (Path procs : procsFiles()) {
            try {
                out.addAll(CgroupParsers.pids(fs.read(procs)));
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                LOG.debug("reading {} failed", procs, e);
            }
        }
        return out;
    }

    boolean isEmpty() {
        return pids().isEmpty();
    }

    /**
     * When the task cgroup was made: the newest of its directories that exist. On cgroup v1 a hierarchy mounted at
     * the root (pids, freezer) is shared by every broker of the host, so a task of another broker may exist there
     * and nowhere else of ours; its age must still be read.
     *
     * @throws NoSuchFileException when none of its directories exists
     */
    Instant created() throws IOException {
        Instant newest = null;
        for (Path dir : dirs()) {
            try {
                Instant modified = fs.modified(dir);
                if (newest == null || modified.isAfter(newest)) {
                    newest = modified;
                }
            } catch (NoSuchFileException e) {
                continue;
            }
        }
        if (newest == null) {
            throw new NoSuchFileException(dirs().get(0).toString());
        }
        return newest;
    }

    /**
     * Removes the task's directories. The kernel refuses ({@code EBUSY}) for a moment after the last process has
     * exited, while it releases them; the caller retries.
     *
     * @return true when every directory is gone
     */
    boolean remove() {
        boolean all = true;
        for (Path dir : dirs()) {
            if (!fs.exists(dir)) {
                continue;
            }
            try {
                fs.rmdir(dir);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                LOG.debug("rmdir {} failed for now", dir, e);
                all = false;
            }
        }
        return all;
    }

    /** {@link #remove()}, retried while the kernel releases the cgroup, for at most {@code deadline}. */
    boolean removeWithin(Duration deadline) {
        return waitUntil(this::remove, deadline);
    }

    // ---- helpers for the versions ----

    long readNumber(Path file) {
        try {
            return CgroupParsers.number(fs.read(file));
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    long readKey(Path file, String key) {
        try {
            return keyed(file).getOrDefault(key, 0L);
        } catch (IOException e) {
            return 0;
        }
    }

    Map<String, Long> keyed(Path file) throws IOException {
        return CgroupParsers.keyedValues(fs.read(file));
    }

    /** SIGKILL to each pid; the JDK checks the process's start time, so a reused pid is never hit. */
    static void killPids(Set<Long> pids) {
        long self = ProcessHandle.current().pid();
        for (long pid : pids) {
            if (pid != self) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Polls {@code done} with growing pauses (0.1 ms up to 20 ms) until it holds or {@code deadline} passes. */
    static boolean waitUntil(BooleanSupplier done, Duration deadline) {
        return waitUntil(done, deadline, 0);
    }

    /**
     * Polls {@code done} every 0.1 ms for the first {@code fineNanos}, then with pauses growing by half up to 20 ms,
     * until it holds or {@code deadline} passes.
     */
    static boolean waitUntil(BooleanSupplier done, Duration deadline, long fineNanos) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        // Fine steps first: a launch waits here for a shell to start and fork (about a millisecond), and a doubling
        // from 500 µs overslept that by up to 2 ms on every trigger (issue 15: trigger → exit of a command).
        long pause = TimeUnit.MICROSECONDS.toNanos(100);
        while (true) {
            if (done.getAsBoolean()) {
                return true;
            }
            long now = System.nanoTime();
            if (now - end >= 0) {
                return false;
            }
            LockSupport.parkNanos(pause);
            if (now - start >= fineNanos) {
                pause = Math.min(pause * 3 / 2, TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    void logLeft(String how) {
        Set<Long> left = pids();
        if (!left.isEmpty()) {
            LOG.warn("task cgroup {}: {} process(es) still alive after {}: {}", name, left.size(), how, left);
        }
    }
}
