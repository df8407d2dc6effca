package dev.bgtasks.macos.sandbox;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The watchdog's decisions for one task: each {@link #sample} reads the task's process group (and the children
 * that left it) from a {@link ProcessTable}, sums {@code ri_phys_footprint}, counts the processes, and says whether
 * to kill the group and when to sample next. No clock and no threads of its own: the caller passes the time, so a
 * test replays a usage series sample by sample.
 *
 * <p>The group is every process whose process group is the task's, plus every process whose parent is one of those
 * (or one found earlier) but that moved to another group or session: {@code setsid} and {@code setpgid} do not get
 * a child out of the watch once a sample saw its parent. A child reparented to launchd before any sample saw it is
 * not found here; the tree kill finds it by the run token.
 *
 * <pre>{@code
 * GroupWatch watch = new GroupWatch(pid, WatchdogPolicy.DEFAULT, System.nanoTime());
 * GroupWatch.Verdict v = watch.sample(System.nanoTime(), table, limits);
 * if (v.killFor() != null) { killTree(); }
 * }</pre>
 */
final class GroupWatch {
    private final int pgid;
    private final WatchdogPolicy policy;
    private final long startNanos;
    /** Processes outside the group found through their parent; kept until they are gone. */
    private final Set<Integer> escapees = new LinkedHashSet<>();
    /** Last CPU time by pid, kept for processes that ended. */
    private final Map<Integer, Long> cpuByPid = new HashMap<>();
    private long peakBytes;
    private double lastMemoryFraction = -1;
    private double lastCountFraction = -1;
    private long lastSampleNanos;

    GroupWatch(int pgid, WatchdogPolicy policy, long startNanos) {
        this.pgid = pgid;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.startNanos = startNanos;
        this.lastSampleNanos = startNanos;
    }

    /**
     * What one sample found and what to do.
     *
     * @param usage the group's use now (memory, peak, CPU, process count)
     * @param killFor why to kill the group now, or null
     * @param detail what passed which limit, for the log; empty when nothing did
     * @param nextSample when to sample again
     */
    record Verdict(ResourceUsage usage, ExitStatus.Reason killFor, String detail, Duration nextSample) {
        /** No process of the group is left. */
        boolean empty() {
            return usage.processCount() == 0;
        }
    }

    /** Adds processes found elsewhere (by run token) to the watch. */
    synchronized void track(Iterable<Integer> pids) {
        for (int pid : pids) {
            if (pid != pgid) {
                escapees.add(pid);
            }
        }
    }

    /** The processes the last sample saw outside the group, for the tree kill. */
    synchronized Set<Integer> escapees() {
        return Set.copyOf(escapees);
    }

    synchronized long peakBytes() {
        return peakBytes;
    }

    /** One sample at {@code nowNanos}, against {@code limits} as they are now (they may change, SPEC X11). */
    synchronized Verdict sample(long nowNanos, ProcessTable table, ResourceLimits limits) {
        Set<Integer> members = new LinkedHashSet<>();
        for (int pid : table.groupMembers(pgid)) {
            members.add(pid);
        }
        Set<Integer> watched = new LinkedHashSet<>(members);
        watched.addAll(escapees);
        Deque<Integer> toVisit = new ArrayDeque<>(watched);
        while (!toVisit.isEmpty()) {
            int parent = toVisit.poll();
            for (int child : table.childrenOf(parent)) {
                if (watched.add(child)) {
                    toVisit.add(child);
                }
            }
        }
        long memory = 0;
        int count = 0;
        long peak = peakBytes;
        for (int pid : watched) {
            ProcessTable.Reading reading = table.read(pid);
            if (!reading.alive()) {
                escapees.remove(pid);
                continue;
            }
            count++;
            if (!members.contains(pid)) {
                escapees.add(pid);
            }
            if (reading.readable()) {
                memory += reading.footprintBytes();
                peak = Math.max(peak, reading.lifetimePeakBytes());
                cpuByPid.put(pid, reading.cpuNanos());
            }
        }
        peak = Math.max(peak, memory);
        peakBytes = peak;
        ResourceUsage usage = new ResourceUsage(memory, peak, Duration.ofNanos(cpuTotal()), count);

        OptionalLong memoryLimit = limits.memoryLimit();
        int maxProcesses = limits.effectiveMaxProcesses();
        if (memoryLimit.isPresent() && memory > memoryLimit.getAsLong()) {
            return new Verdict(usage, ExitStatus.Reason.OUT_OF_MEMORY,
                    memory + " bytes > " + memoryLimit.getAsLong(), policy.near());
        }
        if (count > maxProcesses) {
            return new Verdict(usage, ExitStatus.Reason.PROCESS_LIMIT, count + " processes > " + maxProcesses,
                    policy.near());
        }
        double memoryFraction = memoryLimit.isPresent() ? (double) memory / memoryLimit.getAsLong() : 0;
        double countFraction = (double) count / maxProcesses;
        long sinceLast = nowNanos - lastSampleNanos;
        long sinceStart = nowNanos - startNanos;
        Duration memoryDelay = policy.nextDelay(memoryFraction, memoryLimit.isPresent() ? lastMemoryFraction : -1,
                sinceLast, sinceStart);
        Duration countDelay = policy.nextDelay(countFraction, lastCountFraction, sinceLast, sinceStart);
        lastMemoryFraction = memoryFraction;
        lastCountFraction = countFraction;
        lastSampleNanos = nowNanos;
        Duration next = memoryDelay.compareTo(countDelay) <= 0 ? memoryDelay : countDelay;
        return new Verdict(usage, null, "", next);
    }

    private long cpuTotal() {
        long total = 0;
        for (long nanos : cpuByPid.values()) {
            total += nanos;
        }
        return total;
    }
}
