package dev.bgtasks.macos.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * libSystem, the one binding of it: the calls the macOS sandbox needs that jna-platform's {@code SystemB} lacks
 * ({@code posix_spawn} with its attributes and file actions, signals to processes and groups, {@code waitpid},
 * {@code kqueue}/{@code kevent}, {@code proc_pid_rusage} with the v4 record, and the
 * {@code proc_listpids}/{@code proc_pidinfo}/{@code sysctl} calls it reads the process table with) and notify(3) with
 * {@code read(2)} for the signals. Every number here is the Darwin one (xnu headers: {@code sys/spawn.h},
 * {@code sys/signal.h}, {@code sys/errno.h}, {@code sys/fcntl.h}, {@code sys/event.h}, {@code sys/resource.h},
 * {@code sys/proc_info.h}, {@code sys/sysctl.h}); several differ from Linux, and jna-platform's Linux
 * {@code RLIMIT_*} numbers are never used here.
 *
 * <pre>{@code
 * PointerByReference attr = new PointerByReference();
 * SystemLib.instance().posix_spawnattr_init(attr);
 * SystemLib.instance().posix_spawnattr_setflags(attr,
 *         (short) (SystemLib.POSIX_SPAWN_SETPGROUP | SystemLib.POSIX_SPAWN_START_SUSPENDED));
 * }</pre>
 *
 * <p>Raw binding, 64-bit macOS only (x86-64 and arm64): {@code size_t} is a Java {@code long}. The
 * {@code posix_spawn*} functions return an error number instead of setting errno; the calls declared with
 * {@link LastErrorException} return -1 and set errno, which JNA turns into the exception. Code outside this package
 * calls libSystem through {@link SystemCalls}, which turns that exception into an {@link ErrnoException}; only the
 * numbers below are used directly.
 */
public interface SystemLib extends Library {

    // sys/spawn.h (Darwin values; glibc's POSIX_SPAWN_SETSID is 0x80, Darwin's START_SUSPENDED is 0x80)
    int POSIX_SPAWN_SETPGROUP = 0x0002;
    int POSIX_SPAWN_START_SUSPENDED = 0x0080;
    int POSIX_SPAWN_SETSID = 0x0400;
    int POSIX_SPAWN_CLOEXEC_DEFAULT = 0x4000;

    // sys/signal.h (Darwin: SIGCONT is 19, SIGSTOP 17; Linux has 18 and 19)
    int SIGKILL = 9;
    int SIGTERM = 15;
    int SIGSTOP = 17;
    int SIGCONT = 19;

    // sys/errno.h
    int EPERM = 1;
    int ENOENT = 2;
    int ESRCH = 3;
    int EINTR = 4;
    int ECHILD = 10;
    int EINVAL = 22;

    // sys/fcntl.h (Darwin: O_CREAT 0x200 and O_APPEND 0x8; Linux has 0x40 and 0x400)
    int O_RDONLY = 0x0000;
    int O_WRONLY = 0x0001;
    int O_APPEND = 0x0008;
    int O_CREAT = 0x0200;

    // sys/event.h
    short EVFILT_PROC = -5;
    short EV_ADD = 0x0001;
    short EV_ENABLE = 0x0004;
    short EV_ONESHOT = 0x0010;
    short EV_ERROR = 0x4000;
    int NOTE_EXIT = 0x80000000;

    // sys/resource.h (proc_pid_rusage flavors)
    int RUSAGE_INFO_V4 = 4;

    // libproc.h / sys/proc_info.h
    int PROC_ALL_PIDS = 1;
    int PROC_PGRP_ONLY = 2;
    int PROC_PPID_ONLY = 6;
    int PROC_PIDTBSDINFO = 3;

    // sys/sysctl.h
    int CTL_KERN = 1;
    int KERN_ARGMAX = 8;
    int KERN_PROCARGS2 = 49;

    // notify.h
    /** {@code NOTIFY_STATUS_OK}. */
    int NOTIFY_STATUS_OK = 0;
    /** {@code NOTIFY_REUSE}: deliver to the descriptor already in {@code fd} instead of a new one. */
    int NOTIFY_REUSE = 1;

    /**
     * The loaded library, loaded on the first call (only on macOS) and kept: see {@link Libraries}.
     *
     * @return the binding
     */
    static SystemLib instance() {
        return Libraries.load("System", SystemLib.class);
    }

    int posix_spawnattr_init(PointerByReference attr);

    int posix_spawnattr_setflags(PointerByReference attr, short flags);

    int posix_spawnattr_setpgroup(PointerByReference attr, int pgroup);

    int posix_spawnattr_destroy(PointerByReference attr);

    int posix_spawn_file_actions_init(PointerByReference actions);

    int posix_spawn_file_actions_addopen(PointerByReference actions, int fd, String path, int oflag, short mode);

    int posix_spawn_file_actions_adddup2(PointerByReference actions, int fd, int newFd);

    /** macOS 10.15 and later. */
    int posix_spawn_file_actions_addchdir_np(PointerByReference actions, String path);

    int posix_spawn_file_actions_destroy(PointerByReference actions);

    /** Returns 0 or an error number; {@code argv} and {@code envp} are passed NULL-terminated by JNA. */
    int posix_spawn(IntByReference pid, String path, PointerByReference actions, PointerByReference attr,
                    String[] argv, String[] envp);

    String strerror(int errnum);

    int kill(int pid, int sig) throws LastErrorException;

    int killpg(int pgrp, int sig) throws LastErrorException;

    int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

    int getuid();

    int kqueue() throws LastErrorException;

    int kevent(int kq, Kevent[] changes, int nchanges, Kevent[] events, int nevents, Timespec timeout)
            throws LastErrorException;

    int close(int fd) throws LastErrorException;

    /** Returns the number of bytes written into {@code buffer}, or the bytes needed when it is null. */
    int proc_listpids(int type, int typeinfo, int[] buffer, int bufferSize);

    /** Returns the bytes written, 0 or less when the process is gone or not readable. */
    int proc_pidinfo(int pid, int flavor, long arg, ProcBsdInfo buffer, int bufferSize);

    /** Returns 0; fails with errno {@code ESRCH} when the process is gone, {@code EPERM} when it is another user's. */
    int proc_pid_rusage(int pid, int flavor, RusageInfoV4 buffer) throws LastErrorException;

    int sysctl(int[] name, int nameLength, Pointer oldValue, LongByReference oldLength, Pointer newValue,
               long newLength);

    int mach_timebase_info(MachTimebaseInfo info);

    int notify_register_file_descriptor(String name, IntByReference fd, int flags, IntByReference token);

    int notify_post(String name);

    /** Cancelling the last token of a descriptor closes the descriptor. */
    int notify_cancel(int token);

    /** {@code ssize_t read(int, void*, size_t)}; blocks until a notify token arrives. */
    long read(int fd, byte[] buffer, long count);

    /** {@code struct rusage_info_v4} from sys/resource.h: 296 bytes, footprint at 72, lifetime peak at 240. */
    @FieldOrder({"ri_uuid", "ri_user_time", "ri_system_time", "ri_pkg_idle_wkups", "ri_interrupt_wkups",
        "ri_pageins", "ri_wired_size", "ri_resident_size", "ri_phys_footprint", "ri_proc_start_abstime",
        "ri_proc_exit_abstime", "ri_child_user_time", "ri_child_system_time", "ri_child_pkg_idle_wkups",
        "ri_child_interrupt_wkups", "ri_child_pageins", "ri_child_elapsed_abstime", "ri_diskio_bytesread",
        "ri_diskio_byteswritten", "ri_cpu_time_qos_default", "ri_cpu_time_qos_maintenance",
        "ri_cpu_time_qos_background", "ri_cpu_time_qos_utility", "ri_cpu_time_qos_legacy",
        "ri_cpu_time_qos_user_initiated", "ri_cpu_time_qos_user_interactive", "ri_billed_system_time",
        "ri_serviced_system_time", "ri_logical_writes", "ri_lifetime_max_phys_footprint", "ri_instructions",
        "ri_cycles", "ri_billed_energy", "ri_serviced_energy", "ri_interval_max_phys_footprint",
        "ri_runnable_time"})
    class RusageInfoV4 extends Structure {
        public byte[] ri_uuid = new byte[16];
        public long ri_user_time;
        public long ri_system_time;
        public long ri_pkg_idle_wkups;
        public long ri_interrupt_wkups;
        public long ri_pageins;
        public long ri_wired_size;
        public long ri_resident_size;
        public long ri_phys_footprint;
        public long ri_proc_start_abstime;
        public long ri_proc_exit_abstime;
        public long ri_child_user_time;
        public long ri_child_system_time;
        public long ri_child_pkg_idle_wkups;
        public long ri_child_interrupt_wkups;
        public long ri_child_pageins;
        public long ri_child_elapsed_abstime;
        public long ri_diskio_bytesread;
        public long ri_diskio_byteswritten;
        public long ri_cpu_time_qos_default;
        public long ri_cpu_time_qos_maintenance;
        public long ri_cpu_time_qos_background;
        public long ri_cpu_time_qos_utility;
        public long ri_cpu_time_qos_legacy;
        public long ri_cpu_time_qos_user_initiated;
        public long ri_cpu_time_qos_user_interactive;
        public long ri_billed_system_time;
        public long ri_serviced_system_time;
        public long ri_logical_writes;
        public long ri_lifetime_max_phys_footprint;
        public long ri_instructions;
        public long ri_cycles;
        public long ri_billed_energy;
        public long ri_serviced_energy;
        public long ri_interval_max_phys_footprint;
        public long ri_runnable_time;
    }

    /**
     * {@code struct proc_bsdinfo} from sys/proc_info.h: 136 bytes, parent at 16, group at 100. Mapped here rather
     * than taken from jna-platform's {@code SystemB}, whose nested structs load libSystem when built.
     */
    @FieldOrder({"pbi_flags", "pbi_status", "pbi_xstatus", "pbi_pid", "pbi_ppid", "pbi_uid", "pbi_gid", "pbi_ruid",
        "pbi_rgid", "pbi_svuid", "pbi_svgid", "rfu_1", "pbi_comm", "pbi_name", "pbi_nfiles", "pbi_pgid",
        "pbi_pjobc", "e_tdev", "e_tpgid", "pbi_nice", "pbi_start_tvsec", "pbi_start_tvusec"})
    class ProcBsdInfo extends Structure {
        public int pbi_flags;
        public int pbi_status;
        public int pbi_xstatus;
        public int pbi_pid;
        public int pbi_ppid;
        public int pbi_uid;
        public int pbi_gid;
        public int pbi_ruid;
        public int pbi_rgid;
        public int pbi_svuid;
        public int pbi_svgid;
        public int rfu_1;
        public byte[] pbi_comm = new byte[16];
        public byte[] pbi_name = new byte[32];
        public int pbi_nfiles;
        public int pbi_pgid;
        public int pbi_pjobc;
        public int e_tdev;
        public int e_tpgid;
        public int pbi_nice;
        public long pbi_start_tvsec;
        public long pbi_start_tvusec;
    }

    /** {@code struct kevent} from sys/event.h: 32 bytes on 64-bit Darwin ({@code pragma pack(4)} changes nothing). */
    @FieldOrder({"ident", "filter", "flags", "fflags", "data", "udata"})
    class Kevent extends Structure {
        public long ident;
        public short filter;
        public short flags;
        public int fflags;
        public long data;
        public Pointer udata;
    }

    /** {@code struct timespec}: two 64-bit fields. */
    @FieldOrder({"tv_sec", "tv_nsec"})
    class Timespec extends Structure {
        public long tv_sec;
        public long tv_nsec;

        public Timespec() {
        }

        Timespec(long millis) {
            this.tv_sec = millis / 1000;
            this.tv_nsec = (millis % 1000) * 1_000_000L;
        }
    }

    /** {@code mach_timebase_info_data_t}: mach absolute time units × numer / denom = nanoseconds. */
    @FieldOrder({"numer", "denom"})
    class MachTimebaseInfo extends Structure {
        public int numer;
        public int denom;
    }
}
