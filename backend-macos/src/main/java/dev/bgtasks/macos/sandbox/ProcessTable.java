package dev.bgtasks.macos.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * What the watchdog and the tree kill read from the host's process table. The real one is
 * {@link DarwinProcessTable}; tests script one to replay a usage series.
 *
 * <pre>{@code
 * for (int pid : table.groupMembers(pgid)) {
 *     ProcessTable.Reading r = table.read(pid);
 *     if (r.alive()) { total += r.footprintBytes(); }
 * }
 * }</pre>
 */
interface ProcessTable {
    /** The processes whose process group is {@code pgid}. */
    int[] groupMembers(int pgid);

    /** The processes whose parent is {@code pid}. */
    int[] childrenOf(int pid);

    /** Memory and CPU of one process; {@link Reading#gone()} when it no longer exists. */
    Reading read(int pid);

    /** Every process of the host with its parent, group and owner. */
    List<Entry> allProcesses();

    /** The environment strings of a process, empty when it cannot be read (gone, another user's). */
    Optional<List<String>> environment(int pid);

    /** A process as the whole-table walk sees it. */
    record Entry(int pid, int ppid, int pgid, int uid) {
    }

    /**
     * One process's use.
     *
     * @param alive false when the process was gone at the reading (it then counts for nothing)
     * @param readable false when it exists but its use cannot be read (another user's): it counts as a process
     *        with no memory
     * @param footprintBytes {@code ri_phys_footprint} now
     * @param lifetimePeakBytes {@code ri_lifetime_max_phys_footprint}, the most this process ever had
     * @param cpuNanos user + system CPU time
     */
    record Reading(boolean alive, boolean readable, long footprintBytes, long lifetimePeakBytes, long cpuNanos) {
        private static final Reading GONE = new Reading(false, false, 0, 0, 0);
        private static final Reading UNREADABLE = new Reading(true, false, 0, 0, 0);

        static Reading gone() {
            return GONE;
        }

        static Reading unreadable() {
            return UNREADABLE;
        }

        static Reading of(long footprintBytes, long lifetimePeakBytes, long cpuNanos) {
            return new Reading(true, true, footprintBytes, lifetimePeakBytes, cpuNanos);
        }
    }
}
