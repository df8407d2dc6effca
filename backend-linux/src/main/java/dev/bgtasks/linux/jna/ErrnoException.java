package dev.bgtasks.linux.jna;

import java.io.IOException;
import java.util.Map;

/**
 * A libc call that failed, with its errno: the one exception the Linux backend's native calls throw. Its message
 * names the call and the errno ({@code socket failed with EPROTONOSUPPORT ([93] Protocol not supported)}); callers
 * that expect a particular errno compare {@link #errno()} with the constants here.
 *
 * <pre>{@code
 * try {
 *     int pidfd = Syscalls.pidfdOpen(pid);
 * } catch (ErrnoException e) {
 *     if (e.errno() == ErrnoException.ESRCH) { ... }   // already gone
 * }
 * }</pre>
 */
public final class ErrnoException extends IOException {
    /** A signal interrupted the call. */
    public static final int EINTR = 4;
    /** Nothing to read now on a non-blocking descriptor, or a counter is full. */
    public static final int EAGAIN = 11;
    /** No such process. */
    public static final int ESRCH = 3;
    /** A netlink receive queue overflowed and messages were lost. */
    public static final int ENOBUFS = 105;

    private static final long serialVersionUID = 1L;

    // asm-generic/errno-base.h and errno.h: the same numbers on x86-64 and aarch64.
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
            Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(19, "ENODEV"),
            Map.entry(22, "EINVAL"), Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(38, "ENOSYS"),
            Map.entry(88, "ENOTSOCK"), Map.entry(90, "EMSGSIZE"), Map.entry(93, "EPROTONOSUPPORT"),
            Map.entry(95, "EOPNOTSUPP"), Map.entry(97, "EAFNOSUPPORT"), Map.entry(98, "EADDRINUSE"),
            Map.entry(105, "ENOBUFS"), Map.entry(111, "ECONNREFUSED"));

    /** The errno the call set. */
    private final int errno;
    /** The call that failed. */
    private final String call;

    ErrnoException(String call, int errno, String detail, Throwable cause) {
        super(call + " failed with " + name(errno) + " (" + detail + ")", cause);
        this.errno = errno;
        this.call = call;
    }

    /** {@return the errno the call set} */
    public int errno() {
        return errno;
    }

    /** {@return the call that failed, e.g. {@code socket} or {@code setsockopt(SO_RCVBUF)}} */
    public String call() {
        return call;
    }

    /**
     * The symbolic name of an errno.
     *
     * @param errno the number, as libc sets it or a netlink error message carries it (negated there)
     * @return {@code EPERM} for 1, and so on; {@code errno N} for numbers outside the table the backend needs
     */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
