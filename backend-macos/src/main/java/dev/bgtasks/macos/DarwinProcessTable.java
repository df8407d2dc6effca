package dev.bgtasks.macos;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.LongByReference;
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
 * ProcessTable table = new DarwinProcessTable(DarwinLibc.instance());
 * int[] group = table.groupMembers(pgid);
 * }</pre>
 */
final class DarwinProcessTable implements ProcessTable {
    /** Used when {@code kern.argmax} cannot be read; the value macOS ships with. */
    static final int DEFAULT_ARGMAX = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(DarwinProcessTable.class);
    private static final int INITIAL_PIDS = 256;

    private final DarwinLibc libc;
    private final double nanosPerTick;
    private Memory argsBuffer;

    DarwinProcessTable(DarwinLibc libc) {
        this.libc = libc;
        DarwinLibc.MachTimebaseInfo timebase = new DarwinLibc.MachTimebaseInfo();
        // Intel Macs count CPU time in nanoseconds (1/1); Apple silicon in 24 MHz ticks (125/3).
        if (libc.mach_timebase_info(timebase) == 0 && timebase.numer > 0 && timebase.denom > 0) {
            nanosPerTick = (double) timebase.numer / timebase.denom;
        } else {
            nanosPerTick = 1.0;
        }
    }

    @Override
    public int[] groupMembers(int pgid) {
        return listPids(DarwinLibc.PROC_PGRP_ONLY, pgid);
    }

    @Override
    public int[] childrenOf(int pid) {
        return listPids(DarwinLibc.PROC_PPID_ONLY, pid);
    }

    @Override
    public Reading read(int pid) {
        DarwinLibc.RusageInfoV4 info = new DarwinLibc.RusageInfoV4();
        try {
            libc.proc_pid_rusage(pid, DarwinLibc.RUSAGE_INFO_V4, info);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == DarwinLibc.ESRCH) {
                return Reading.gone();
            }
            // EPERM: alive but another user's (a setuid child). It still counts as a process.
            return isAlive(pid) ? Reading.unreadable() : Reading.gone();
        }
        long cpuTicks = info.ri_user_time + info.ri_system_time;
        return Reading.of(info.ri_phys_footprint, info.ri_lifetime_max_phys_footprint,
                Math.round(cpuTicks * nanosPerTick));
    }

    private boolean isAlive(int pid) {
        try {
            libc.kill(pid, 0);
            return true;
        } catch (LastErrorException e) {
            return e.getErrorCode() != DarwinLibc.ESRCH;
        }
    }

    @Override
    public List<Entry> allProcesses() {
        int[] pids = listPids(DarwinLibc.PROC_ALL_PIDS, 0);
        List<Entry> entries = new ArrayList<>(pids.length);
        DarwinLibc.ProcBsdInfo info = new DarwinLibc.ProcBsdInfo();
        int size = info.size();
        for (int pid : pids) {
            if (libc.proc_pidinfo(pid, DarwinLibc.PROC_PIDTBSDINFO, 0, info, size) == size) {
                entries.add(new Entry(pid, info.pbi_ppid, info.pbi_pgid, info.pbi_uid));
            }
        }
        return entries;
    }

    @Override
    public synchronized Optional<List<String>> environment(int pid) {
        Memory buffer = argsBuffer();
        LongByReference length = new LongByReference(buffer.size());
        int[] name = {DarwinLibc.CTL_KERN, DarwinLibc.KERN_PROCARGS2, pid};
        if (libc.sysctl(name, name.length, buffer, length, null, 0) != 0) {
            return Optional.empty();
        }
        int read = (int) Math.min(length.getValue(), buffer.size());
        try {
            return Optional.of(ProcArgs.environment(buffer.getByteArray(0, read), read));
        } catch (IllegalArgumentException e) {
            LOG.debug("pid {}: unreadable KERN_PROCARGS2 ({})", pid, e.getMessage());
            return Optional.empty();
        }
    }

    private Memory argsBuffer() {
        if (argsBuffer == null) {
            int argmax = DEFAULT_ARGMAX;
            Memory value = new Memory(Integer.BYTES);
            LongByReference length = new LongByReference(Integer.BYTES);
            int[] name = {DarwinLibc.CTL_KERN, DarwinLibc.KERN_ARGMAX};
            if (libc.sysctl(name, name.length, value, length, null, 0) == 0 && value.getInt(0) > 0) {
                argmax = value.getInt(0);
            }
            argsBuffer = new Memory(argmax);
        }
        return argsBuffer;
    }

    /** {@code proc_listpids} returns bytes; the buffer grows until the answer leaves room to spare. */
    private int[] listPids(int type, int typeInfo) {
        int capacity = INITIAL_PIDS;
        while (true) {
            int[] buffer = new int[capacity];
            int bytes = libc.proc_listpids(type, typeInfo, buffer, capacity * Integer.BYTES);
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
