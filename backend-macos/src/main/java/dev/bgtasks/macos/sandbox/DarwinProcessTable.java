package dev.bgtasks.macos.sandbox;

import dev.bgtasks.macos.jna.ErrnoException;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process table of this Mac through libproc and sysctl: {@code proc_listpids} by group, by parent and for all,
 * {@code proc_pidinfo(PROC_PIDTBSDINFO)} for parent, group and owner, {@code proc_pid_rusage(RUSAGE_INFO_V4)} for
 * the footprint, its lifetime peak and CPU time, and {@code sysctl(KERN_PROCARGS2)} for the environment. Only the
 * user's own processes can be read in full; others count as processes with unknown memory.
 *
 * <pre>{@code
 * ProcessTable table = new DarwinProcessTable(SystemCalls.open());
 * int[] group = table.groupMembers(pgid);
 * }</pre>
 */
final class DarwinProcessTable implements ProcessTable {
    private static final Logger LOG = LoggerFactory.getLogger(DarwinProcessTable.class);
    private static final int INITIAL_PIDS = 256;

    private final SystemCalls libc;
    private final double nanosPerTick;

    DarwinProcessTable(SystemCalls libc) {
        this.libc = libc;
        // Intel Macs count CPU time in nanoseconds (1/1); Apple silicon in 24 MHz ticks (125/3).
        nanosPerTick = libc.timebase().filter(t -> t.numer() > 0 && t.denom() > 0)
                .map(t -> (double) t.numer() / t.denom()).orElse(1.0);
    }

    @Override
    public int[] groupMembers(int pgid) {
        return listPids(SystemLib.PROC_PGRP_ONLY, pgid);
    }

    @Override
    public int[] childrenOf(int pid) {
        return listPids(SystemLib.PROC_PPID_ONLY, pid);
    }

    @Override
    public Reading read(int pid) {
        SystemCalls.Rusage info;
        try {
            info = libc.rusage(pid);
        } catch (ErrnoException e) {
            if (e.errno() == SystemLib.ESRCH) {
                return Reading.gone();
            }
            // EPERM: alive but another user's (a setuid child). It still counts as a process.
            return isAlive(pid) ? Reading.unreadable() : Reading.gone();
        }
        long cpuTicks = info.userTime() + info.systemTime();
        return Reading.of(info.physFootprint(), info.lifetimeMaxPhysFootprint(), Math.round(cpuTicks * nanosPerTick));
    }

    private boolean isAlive(int pid) {
        try {
            libc.kill(pid, 0);
            return true;
        } catch (ErrnoException e) {
            return e.errno() != SystemLib.ESRCH;
        }
    }

    @Override
    public List<Entry> allProcesses() {
        int[] pids = listPids(SystemLib.PROC_ALL_PIDS, 0);
        List<Entry> entries = new ArrayList<>(pids.length);
        for (SystemCalls.BsdInfo info : libc.bsdInfo(pids)) {
            entries.add(new Entry(info.pid(), info.ppid(), info.pgid(), info.uid()));
        }
        return entries;
    }

    @Override
    public Optional<List<String>> environment(int pid) {
        Optional<byte[]> args = libc.procArgs(pid);
        if (args.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = args.get();
        try {
            return Optional.of(ProcArgs.environment(bytes, bytes.length));
        } catch (IllegalArgumentException e) {
            LOG.debug("pid {}: unreadable KERN_PROCARGS2 ({})", pid, e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code proc_listpids} returns bytes; the buffer grows until the answer leaves room to spare. */
    private int[] listPids(int type, int typeInfo) {
        int capacity = INITIAL_PIDS;
        while (true) {
            int[] buffer = new int[capacity];
            int bytes = libc.listPids(type, typeInfo, buffer);
            if (bytes <= 0) {
                return new int[0];
            }
            int count = bytes / Integer.BYTES;
            if (count < capacity) {
                return Arrays.stream(buffer, 0, count).filter(pid -> pid > 0).toArray();
            }
            capacity *= 4;
        }
    }
}
