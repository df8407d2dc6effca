package dev.bgtasks.macos.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A process table a test writes: processes with parent, group, footprint and environment, changed between samples
 * to replay a usage series.
 */
final class ScriptedTable implements ProcessTable {
    static final int UID = 501;

    private final Map<Integer, Proc> processes = new LinkedHashMap<>();
    /** Pids listed by their group or parent but gone by the time they are read (they exited meanwhile). */
    private final List<Integer> vanishing = new ArrayList<>();
    private final Map<Integer, Integer> reads = new HashMap<>();

    static final class Proc {
        final int pid;
        int ppid;
        int pgid;
        int uid = UID;
        long footprint;
        long lifetimePeak;
        long cpuNanos;
        boolean readable = true;
        List<String> environment = List.of();

        Proc(int pid, int ppid, int pgid) {
            this.pid = pid;
            this.ppid = ppid;
            this.pgid = pgid;
        }

        Proc footprint(long bytes) {
            this.footprint = bytes;
            this.lifetimePeak = Math.max(lifetimePeak, bytes);
            return this;
        }
    }

    synchronized Proc add(int pid, int ppid, int pgid) {
        Proc proc = new Proc(pid, ppid, pgid);
        processes.put(pid, proc);
        return proc;
    }

    synchronized Proc get(int pid) {
        return processes.get(pid);
    }

    synchronized void remove(int pid) {
        processes.remove(pid);
    }

    /** The pid is listed in its group this time, but reading it finds it gone (ESRCH). */
    synchronized void vanishOnRead(int pid) {
        vanishing.add(pid);
    }

    /** Changes processes atomically with respect to the watchdog thread's reads. */
    synchronized void update(Runnable change) {
        change.run();
    }

    synchronized int readsOf(int pid) {
        return reads.getOrDefault(pid, 0);
    }

    @Override
    public synchronized int[] groupMembers(int pgid) {
        return processes.values().stream().filter(p -> p.pgid == pgid).mapToInt(p -> p.pid).toArray();
    }

    @Override
    public synchronized int[] childrenOf(int pid) {
        return processes.values().stream().filter(p -> p.ppid == pid).mapToInt(p -> p.pid).toArray();
    }

    @Override
    public synchronized Reading read(int pid) {
        reads.merge(pid, 1, Integer::sum);
        if (vanishing.remove(Integer.valueOf(pid))) {
            processes.remove(pid);
            return Reading.gone();
        }
        Proc p = processes.get(pid);
        if (p == null) {
            return Reading.gone();
        }
        return p.readable ? Reading.of(p.footprint, p.lifetimePeak, p.cpuNanos) : Reading.unreadable();
    }

    @Override
    public synchronized List<Entry> allProcesses() {
        return processes.values().stream().map(p -> new Entry(p.pid, p.ppid, p.pgid, p.uid)).toList();
    }

    @Override
    public synchronized Optional<List<String>> environment(int pid) {
        Proc p = processes.get(pid);
        return p == null || p.uid != UID ? Optional.empty() : Optional.of(p.environment);
    }
}
