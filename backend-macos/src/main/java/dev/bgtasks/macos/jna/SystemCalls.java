package dev.bgtasks.macos.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * libSystem with Java types: the one wrapper over {@link SystemLib} that the sandbox and the signals call. JNA's
 * references, structures and native buffers stay in here, and every errno (or error number a {@code posix_spawn*}
 * call returns) leaves as an {@link ErrnoException}, made in {@link #check} and {@link #errno} only.
 *
 * <pre>{@code
 * SystemCalls calls = SystemCalls.open();            // loads libSystem: macOS only
 * try {
 *     calls.killpg(pgid, SystemLib.SIGKILL);
 * } catch (ErrnoException e) {
 *     if (e.errno() != SystemLib.ESRCH) { log.warn("{}", e.getMessage()); }
 * }
 * }</pre>
 */
public final class SystemCalls {
    /** Used when {@code kern.argmax} cannot be read; the value macOS ships with. */
    private static final int DEFAULT_ARGMAX = 1 << 20;

    private final SystemLib lib;
    /** {@code kern.argmax} bytes of native memory for {@code KERN_PROCARGS2}, made on the first read and kept. */
    private Memory argsBuffer;

    /**
     * A wrapper over a binding (a mock in tests).
     *
     * @param lib the raw binding
     */
    public SystemCalls(SystemLib lib) {
        this.lib = Objects.requireNonNull(lib, "lib");
    }

    /**
     * The wrapper over the real libSystem, which it loads (macOS only).
     *
     * @return the wrapper
     */
    public static SystemCalls open() {
        return new SystemCalls(SystemLib.instance());
    }

    // ---- errno in one place ----

    /** A call declared with {@link LastErrorException}: it returns -1 and sets errno on failure. */
    @FunctionalInterface
    private interface ErrnoCall {
        int run();
    }

    private static int errno(String call, ErrnoCall body) throws ErrnoException {
        try {
            return body.run();
        } catch (LastErrorException e) {
            throw new ErrnoException(call, e.getErrorCode(), e);
        }
    }

    /** For the {@code posix_spawn*} calls, which return an error number instead of setting errno. */
    private static void check(String call, int rc) throws ErrnoException {
        if (rc != 0) {
            throw new ErrnoException(call, rc, null);
        }
    }

    /**
     * {@code strerror(3)}: the system's text for an error number.
     *
     * @param errno the error number
     * @return e.g. "No such file or directory"
     */
    public String strerror(int errno) {
        return lib.strerror(errno);
    }

    // ---- processes ----

    /**
     * {@code kill(2)}; signal 0 only checks that the process exists.
     *
     * @param pid the process
     * @param signal the Darwin signal number
     * @throws ErrnoException {@code ESRCH} when the process is gone, {@code EPERM} when it is not ours
     */
    public void kill(int pid, int signal) throws ErrnoException {
        errno("kill", () -> lib.kill(pid, signal));
    }

    /**
     * {@code killpg(2)}.
     *
     * @param pgrp the process group
     * @param signal the Darwin signal number
     * @throws ErrnoException {@code ESRCH} when no process is left in the group
     */
    public void killpg(int pgrp, int signal) throws ErrnoException {
        errno("killpg", () -> lib.killpg(pgrp, signal));
    }

    /**
     * {@code waitpid(pid, &status, 0)}: blocks until the child ends and reaps it.
     *
     * @param pid our child
     * @return its wait status (see {@code sys/wait.h})
     * @throws ErrnoException {@code EINTR} (try again), {@code ECHILD} when someone else reaped it
     */
    public int waitpid(int pid) throws ErrnoException {
        IntByReference status = new IntByReference();
        errno("waitpid", () -> lib.waitpid(pid, status, 0));
        return status.getValue();
    }

    /**
     * {@code getuid(2)}.
     *
     * @return this process's real user id
     */
    public int getuid() {
        return lib.getuid();
    }

    // ---- kqueue ----

    /**
     * {@code kqueue(2)}.
     *
     * @return a new kqueue descriptor; {@link #close} it
     * @throws ErrnoException when the process is out of descriptors
     */
    public int kqueue() throws ErrnoException {
        return errno("kqueue", lib::kqueue);
    }

    /**
     * Registers a one-shot {@code EVFILT_PROC}/{@code NOTE_EXIT} event for {@code pid} on {@code kq}.
     *
     * @param kq the kqueue
     * @param pid the process to watch
     * @throws ErrnoException {@code ESRCH} when the process has already ended
     */
    public void watchExit(int kq, int pid) throws ErrnoException {
        SystemLib.Kevent[] change = (SystemLib.Kevent[]) new SystemLib.Kevent().toArray(1);
        change[0].ident = pid;
        change[0].filter = SystemLib.EVFILT_PROC;
        change[0].flags = (short) (SystemLib.EV_ADD | SystemLib.EV_ENABLE | SystemLib.EV_ONESHOT);
        change[0].fflags = SystemLib.NOTE_EXIT;
        errno("kevent", () -> lib.kevent(kq, change, 1, null, 0, null));
    }

    /**
     * Waits on {@code kq} for at most {@code timeoutMillis} for one event.
     *
     * @param kq the kqueue a {@link #watchExit} registered on
     * @param timeoutMillis how long this call may block
     * @return true when a {@code NOTE_EXIT} event arrived, false when the time passed without one
     * @throws ErrnoException {@code EINTR} (try again) or a broken kqueue
     */
    public boolean awaitExit(int kq, long timeoutMillis) throws ErrnoException {
        SystemLib.Kevent[] event = (SystemLib.Kevent[]) new SystemLib.Kevent().toArray(1);
        SystemLib.Timespec timeout = new SystemLib.Timespec(timeoutMillis);
        int n = errno("kevent", () -> lib.kevent(kq, null, 0, event, 1, timeout));
        return n > 0 && (event[0].fflags & SystemLib.NOTE_EXIT) != 0;
    }

    /**
     * {@code close(2)}.
     *
     * @param fd the descriptor
     * @throws ErrnoException when it was not open
     */
    public void close(int fd) throws ErrnoException {
        errno("close", () -> lib.close(fd));
    }

    // ---- the process table ----

    /**
     * {@code proc_listpids} into {@code buffer}.
     *
     * @param type {@link SystemLib#PROC_ALL_PIDS}, {@link SystemLib#PROC_PGRP_ONLY} or {@link SystemLib#PROC_PPID_ONLY}
     * @param typeInfo the group or parent, 0 for all
     * @param buffer where the pids go
     * @return the bytes written, 0 or less on failure
     */
    public int listPids(int type, int typeInfo, int[] buffer) {
        return lib.proc_listpids(type, typeInfo, buffer, buffer.length * Integer.BYTES);
    }

    /**
     * A process's place in the tree, as {@code proc_pidinfo(PROC_PIDTBSDINFO)} gives it.
     *
     * @param pid the process
     * @param ppid its parent
     * @param pgid its process group
     * @param uid its owner
     */
    public record BsdInfo(int pid, int ppid, int pgid, int uid) {
    }

    /**
     * {@code proc_pidinfo(PROC_PIDTBSDINFO)} for each pid, with one structure for them all.
     *
     * @param pids the processes
     * @return the processes that could be read, in order (one that ended meanwhile is left out)
     */
    public List<BsdInfo> bsdInfo(int[] pids) {
        List<BsdInfo> found = new ArrayList<>(pids.length);
        SystemLib.ProcBsdInfo info = new SystemLib.ProcBsdInfo();
        int size = info.size();
        for (int pid : pids) {
            if (lib.proc_pidinfo(pid, SystemLib.PROC_PIDTBSDINFO, 0, info, size) == size) {
                found.add(new BsdInfo(pid, info.pbi_ppid, info.pbi_pgid, info.pbi_uid));
            }
        }
        return found;
    }

    /**
     * What the watchdog reads of {@code rusage_info_v4}.
     *
     * @param physFootprint {@code ri_phys_footprint} in bytes
     * @param lifetimeMaxPhysFootprint {@code ri_lifetime_max_phys_footprint} in bytes
     * @param userTime {@code ri_user_time} in mach absolute time units
     * @param systemTime {@code ri_system_time} in mach absolute time units
     */
    public record Rusage(long physFootprint, long lifetimeMaxPhysFootprint, long userTime, long systemTime) {
    }

    /**
     * {@code proc_pid_rusage(RUSAGE_INFO_V4)}.
     *
     * @param pid the process
     * @return its use
     * @throws ErrnoException {@code ESRCH} when it is gone, {@code EPERM} when it is another user's
     */
    public Rusage rusage(int pid) throws ErrnoException {
        SystemLib.RusageInfoV4 info = new SystemLib.RusageInfoV4();
        errno("proc_pid_rusage", () -> lib.proc_pid_rusage(pid, SystemLib.RUSAGE_INFO_V4, info));
        return new Rusage(info.ri_phys_footprint, info.ri_lifetime_max_phys_footprint, info.ri_user_time,
                info.ri_system_time);
    }

    /**
     * {@code mach_timebase_info}: mach absolute time units × numer / denom = nanoseconds.
     *
     * @param numer the numerator
     * @param denom the denominator
     */
    public record Timebase(int numer, int denom) {
    }

    /**
     * {@code mach_timebase_info}.
     *
     * @return the timebase, empty when the call failed
     */
    public Optional<Timebase> timebase() {
        SystemLib.MachTimebaseInfo info = new SystemLib.MachTimebaseInfo();
        if (lib.mach_timebase_info(info) != 0) {
            return Optional.empty();
        }
        return Optional.of(new Timebase(info.numer, info.denom));
    }

    /**
     * {@code sysctl(CTL_KERN, KERN_PROCARGS2, pid)}: the process's argument count, executable, arguments and
     * environment, read into a buffer of {@code kern.argmax} bytes kept between calls.
     *
     * @param pid the process
     * @return the raw bytes, empty when they cannot be read (gone, another user's)
     */
    public synchronized Optional<byte[]> procArgs(int pid) {
        Memory buffer = argsBuffer();
        LongByReference length = new LongByReference(buffer.size());
        int[] name = {SystemLib.CTL_KERN, SystemLib.KERN_PROCARGS2, pid};
        if (lib.sysctl(name, name.length, buffer, length, null, 0) != 0) {
            return Optional.empty();
        }
        int read = (int) Math.min(length.getValue(), buffer.size());
        return Optional.of(buffer.getByteArray(0, read));
    }

    private Memory argsBuffer() {
        if (argsBuffer == null) {
            int argmax = DEFAULT_ARGMAX;
            Memory value = new Memory(Integer.BYTES);
            LongByReference length = new LongByReference(Integer.BYTES);
            int[] name = {SystemLib.CTL_KERN, SystemLib.KERN_ARGMAX};
            if (lib.sysctl(name, name.length, value, length, null, 0) == 0 && value.getInt(0) > 0) {
                argmax = value.getInt(0);
            }
            argsBuffer = new Memory(argmax);
        }
        return argsBuffer;
    }

    // ---- posix_spawn ----

    /** One {@code posix_spawn_file_actions_add*} step, applied in the child in order. */
    public sealed interface FileAction {
    }

    /**
     * {@code posix_spawn_file_actions_addopen}.
     *
     * @param fd the descriptor the child gets
     * @param path what it opens
     * @param flags {@code O_*} flags (Darwin's values)
     * @param mode the mode of a file it creates
     */
    public record Open(int fd, String path, int flags, short mode) implements FileAction {
    }

    /**
     * {@code posix_spawn_file_actions_adddup2}.
     *
     * @param fd the descriptor copied
     * @param newFd the descriptor it becomes
     */
    public record Dup2(int fd, int newFd) implements FileAction {
    }

    /**
     * {@code posix_spawn_file_actions_addchdir_np} (macOS 10.15 and later).
     *
     * @param path the child's working directory
     */
    public record Chdir(String path) implements FileAction {
    }

    /**
     * {@code posix_spawn} with file actions and attributes, both destroyed again whether or not it succeeds.
     *
     * @param path the program
     * @param actions the file actions, in order
     * @param flags {@code POSIX_SPAWN_*} flags (Darwin's values)
     * @param pgroup the process group for {@code POSIX_SPAWN_SETPGROUP}, 0 for a new one led by the child
     * @param argv the arguments, argv[0] first
     * @param envp {@code NAME=value} entries
     * @return the child's pid
     * @throws ErrnoException naming the first call that failed and its error number; nothing was started then
     */
    public int spawn(String path, List<FileAction> actions, short flags, int pgroup, String[] argv, String[] envp)
            throws ErrnoException {
        PointerByReference fileActions = new PointerByReference();
        PointerByReference attr = new PointerByReference();
        IntByReference pid = new IntByReference();
        check("posix_spawn_file_actions_init", lib.posix_spawn_file_actions_init(fileActions));
        try {
            for (FileAction action : actions) {
                add(fileActions, action);
            }
            check("posix_spawnattr_init", lib.posix_spawnattr_init(attr));
            try {
                check("posix_spawnattr_setflags", lib.posix_spawnattr_setflags(attr, flags));
                check("posix_spawnattr_setpgroup", lib.posix_spawnattr_setpgroup(attr, pgroup));
                check("posix_spawn", lib.posix_spawn(pid, path, fileActions, attr, argv, envp));
            } finally {
                lib.posix_spawnattr_destroy(attr);
            }
        } finally {
            lib.posix_spawn_file_actions_destroy(fileActions);
        }
        return pid.getValue();
    }

    private void add(PointerByReference fileActions, FileAction action) throws ErrnoException {
        if (action instanceof Open open) {
            check("posix_spawn_file_actions_addopen(" + streamName(open.fd()) + ")",
                    lib.posix_spawn_file_actions_addopen(fileActions, open.fd(), open.path(), open.flags(),
                            open.mode()));
        } else if (action instanceof Dup2 dup2) {
            check("posix_spawn_file_actions_adddup2",
                    lib.posix_spawn_file_actions_adddup2(fileActions, dup2.fd(), dup2.newFd()));
        } else if (action instanceof Chdir chdir) {
            check("posix_spawn_file_actions_addchdir_np",
                    lib.posix_spawn_file_actions_addchdir_np(fileActions, chdir.path()));
        }
    }

    private static String streamName(int fd) {
        return switch (fd) {
            case 0 -> "stdin";
            case 1 -> "stdout";
            case 2 -> "stderr";
            default -> "fd " + fd;
        };
    }

    // ---- notify(3) ----

    /**
     * What {@code notify_register_file_descriptor} gave back.
     *
     * @param status {@link SystemLib#NOTIFY_STATUS_OK} or a {@code NOTIFY_STATUS_*} failure
     * @param descriptor the descriptor the notifications arrive on
     * @param token the registration's token, as it arrives on the descriptor
     */
    public record NotifyRegistration(int status, int descriptor, int token) {
    }

    /**
     * {@code notify_register_file_descriptor}.
     *
     * @param name the notification name
     * @param descriptor the descriptor to reuse (with {@link SystemLib#NOTIFY_REUSE}), else ignored
     * @param flags 0 for a new descriptor, {@link SystemLib#NOTIFY_REUSE} to deliver to {@code descriptor}
     * @return the status, the descriptor and the token
     */
    public NotifyRegistration notifyRegister(String name, int descriptor, int flags) {
        IntByReference fd = new IntByReference(descriptor);
        IntByReference token = new IntByReference();
        int status = lib.notify_register_file_descriptor(name, fd, flags, token);
        return new NotifyRegistration(status, fd.getValue(), token.getValue());
    }

    /**
     * {@code notify_post}.
     *
     * @param name the notification name
     * @return the notify status
     */
    public int notifyPost(String name) {
        return lib.notify_post(name);
    }

    /**
     * {@code notify_cancel}; cancelling the last token of a descriptor closes the descriptor.
     *
     * @param token the registration
     * @return the notify status
     */
    public int notifyCancel(int token) {
        return lib.notify_cancel(token);
    }

    /**
     * {@code read(2)}; blocks until bytes arrive.
     *
     * @param fd the descriptor
     * @param buffer where they go
     * @return the bytes read, -1 on failure
     */
    public long read(int fd, byte[] buffer) {
        return lib.read(fd, buffer, buffer.length);
    }
}
