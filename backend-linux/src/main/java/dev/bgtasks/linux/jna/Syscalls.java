package dev.bgtasks.linux.jna;

import com.sun.jna.LastErrorException;

/**
 * The libc calls of the Linux backend, with Java types and one error path: every failure is an
 * {@link ErrnoException} naming the call and its errno. The library loads on the first call, so merely loading
 * this class (on any OS) loads nothing; where libc cannot be loaded the first call throws
 * {@link UnsatisfiedLinkError}, and later ones {@link NoClassDefFoundError}.
 *
 * <pre>{@code
 * int fd = Syscalls.netlinkSocket(0);          // NETLINK_ROUTE
 * Syscalls.bindNetlink(fd, groups);
 * Syscalls.send(fd, request);
 * }</pre>
 */
public final class Syscalls {
    private Syscalls() {
    }

    /**
     * {@code socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol)}.
     *
     * @param protocol the netlink protocol ({@code NETLINK_ROUTE}, {@code NETLINK_KOBJECT_UEVENT}, ...)
     * @return the descriptor
     * @throws ErrnoException when the kernel refuses
     */
    public static int netlinkSocket(int protocol) throws ErrnoException {
        try {
            return Libc.Holder.INSTANCE.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        } catch (LastErrorException e) {
            throw failed("socket", e);
        }
    }

    /**
     * Sets a socket's receive buffer: {@code SO_RCVBUFFORCE} first, which may exceed {@code net.core.rmem_max} but
     * needs {@code CAP_NET_ADMIN}, else {@code SO_RCVBUF}, which the kernel caps there.
     *
     * @param fd the socket
     * @param bytes the size asked for
     * @throws ErrnoException when even {@code SO_RCVBUF} fails
     */
    public static void setReceiveBuffer(int fd, int bytes) throws ErrnoException {
        int[] size = {bytes};
        try {
            Libc.Holder.INSTANCE.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, size, Integer.BYTES);
        } catch (LastErrorException notPrivileged) {
            try {
                Libc.Holder.INSTANCE.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, size, Integer.BYTES);
            } catch (LastErrorException e) {
                throw failed("setsockopt(SO_RCVBUF)", e);
            }
        }
    }

    /**
     * Binds a netlink socket to the multicast {@code groups}, the kernel choosing the port id.
     *
     * @param fd the socket
     * @param groups the groups bit mask
     * @throws ErrnoException when the kernel refuses
     */
    public static void bindNetlink(int fd, int groups) throws ErrnoException {
        Libc.SockaddrNl address = new Libc.SockaddrNl(groups);
        address.write();
        try {
            Libc.Holder.INSTANCE.bind(fd, address, address.size());
        } catch (LastErrorException e) {
            throw failed("bind", e);
        }
    }

    /**
     * A non-blocking, close-on-exec {@code eventfd} starting at 0: a descriptor {@code poll(2)} sees readable once
     * something is written to it.
     *
     * @return the descriptor
     * @throws ErrnoException when none can be made
     */
    public static int eventFd() throws ErrnoException {
        try {
            return Libc.Holder.INSTANCE.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        } catch (LastErrorException e) {
            throw failed("eventfd", e);
        }
    }

    /**
     * {@code send(fd, message, length, 0)}, once: a caller that wants to go on after {@code EINTR} calls again.
     *
     * @param fd the socket
     * @param message the bytes to send
     * @throws ErrnoException when sending fails
     */
    public static void send(int fd, byte[] message) throws ErrnoException {
        try {
            Libc.Holder.INSTANCE.send(fd, message, message.length, 0);
        } catch (LastErrorException e) {
            throw failed("send", e);
        }
    }

    /**
     * {@code write(fd, bytes, length)}, once.
     *
     * @param fd the descriptor
     * @param bytes what to write
     * @throws ErrnoException when writing fails
     */
    public static void write(int fd, byte[] bytes) throws ErrnoException {
        try {
            Libc.Holder.INSTANCE.write(fd, bytes, bytes.length);
        } catch (LastErrorException e) {
            throw failed("write", e);
        }
    }

    /**
     * {@code open(path, O_RDONLY | O_CLOEXEC)}: a descriptor to wait on (e.g. {@code /proc/self/mountinfo}, whose
     * changes poll(2) reports as {@code POLLPRI}).
     *
     * @param path the file
     * @return the descriptor; the caller closes it
     * @throws ErrnoException when opening fails
     */
    public static int openReadOnly(String path) throws ErrnoException {
        try {
            return Libc.Holder.INSTANCE.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw failed("open " + path, e);
        }
    }

    /**
     * {@code close(fd)}. The descriptor is released even when this reports {@code EINTR} or {@code EIO}: never
     * retry.
     *
     * @param fd the descriptor
     * @throws ErrnoException when close reports an error
     */
    public static void close(int fd) throws ErrnoException {
        try {
            Libc.Holder.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            throw failed("close", e);
        }
    }

    /**
     * {@code pidfd_open(pid, 0)} (Linux 5.3): a descriptor {@code poll(2)} sees readable once the process has
     * exited.
     *
     * @param pid the process, which need not be a child
     * @return the descriptor
     * @throws ErrnoException {@link ErrnoException#ESRCH} when the process is gone; {@code ENOSYS} before 5.3
     */
    public static int pidfdOpen(long pid) throws ErrnoException {
        try {
            return (int) Libc.Holder.INSTANCE.syscall(Libc.SYS_PIDFD_OPEN, pid, 0L);
        } catch (LastErrorException e) {
            throw failed("pidfd_open", e);
        }
    }

    static ErrnoException failed(String call, LastErrorException e) {
        return new ErrnoException(call, e.getErrorCode(), e.getMessage(), e);
    }
}
