package dev.bgtasks.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound {@code AF_NETLINK} datagram socket: rtnetlink or kobject uevents. Turns errno into {@link IOException}s
 * that name it, and a receive-queue overflow into {@link OverflowException} so the owner re-reads its state.
 *
 * <pre>{@code
 * try (NetlinkSocket socket = NetlinkSocket.open("rtnetlink", LinuxLibc.NETLINK_ROUTE, groups)) {
 *     socket.send(request);
 *     Optional<byte[]> datagram = socket.receive(500);   // empty: nothing within 500 ms
 * }
 * }</pre>
 *
 * <p>One thread owns a socket: it receives and, when done, closes. {@link #close()} is idempotent, but closing
 * from another thread while the owner polls would let the fd number be reused under it, so another thread calls
 * {@link #wakeUp()} instead: an eventfd polled beside the socket ends the owner's wait, with no timer.
 */
final class NetlinkSocket implements NetlinkChannel {
    private static final Logger LOG = LoggerFactory.getLogger(NetlinkSocket.class);
    /**
     * Room for bursts of events between two receives. The kernel caps {@code SO_RCVBUF} at
     * {@code net.core.rmem_max}; root may exceed that with {@code SO_RCVBUFFORCE}, which we try first.
     */
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    // Not (yet) in LinuxLibc; values from asm-generic/socket.h and bits/socket.h, the same on x86-64 and aarch64.

    // The kernel never builds a netlink datagram beyond 32 KiB (netlink_recvmsg caps max_recvmsg_len there).
    private static final int DATAGRAM_BUFFER_BYTES = 64 * 1024;

    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(4, "EINTR"), Map.entry(9, "EBADF"),
            Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"),
            Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(19, "ENODEV"), Map.entry(22, "EINVAL"),
            Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(88, "ENOTSOCK"),
            Map.entry(90, "EMSGSIZE"), Map.entry(93, "EPROTONOSUPPORT"), Map.entry(95, "EOPNOTSUPP"),
            Map.entry(97, "EAFNOSUPPORT"), Map.entry(98, "EADDRINUSE"), Map.entry(105, "ENOBUFS"),
            Map.entry(111, "ECONNREFUSED"));

    private final String name;
    private final int fd;
    private final int wakeFd;
    private final Object wakeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final byte[] buffer = new byte[DATAGRAM_BUFFER_BYTES];
    private final LinuxLibc.PollFd[] pollFds;
    private final LinuxLibc.SockaddrNl sender = new LinuxLibc.SockaddrNl();
    private final int[] senderLength = {sender.size()};

    private NetlinkSocket(String name, int fd, int wakeFd) {
        this.name = name;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.pollFds = (LinuxLibc.PollFd[]) new LinuxLibc.PollFd().toArray(2);
    }

    /**
     * Opens a socket of {@code protocol} (e.g. {@link LinuxLibc#NETLINK_ROUTE}) subscribed to the multicast
     * {@code groups} bit mask, the kernel choosing the port id. {@code name} labels errors and logs.
     */
    static NetlinkSocket open(String name, int protocol, int groups) throws IOException {
        LinuxLibc libc = LinuxLibc.INSTANCE;
        int fd;
        try {
            fd = libc.socket(LinuxLibc.AF_NETLINK, LinuxLibc.SOCK_RAW | LinuxLibc.SOCK_CLOEXEC, protocol);
        } catch (LastErrorException e) {
            throw failure(name, "socket", e);
        }
        try {
            enlargeReceiveBuffer(libc, fd);
        } catch (LastErrorException e) {
            closeQuietly(libc, fd);
            throw failure(name, "setsockopt(SO_RCVBUF)", e);
        }
        try {
            LinuxLibc.SockaddrNl address = new LinuxLibc.SockaddrNl(groups);
            address.write();
            libc.bind(fd, address, address.size());
        } catch (LastErrorException e) {
            closeQuietly(libc, fd);
            throw failure(name, "bind", e);
        } catch (RuntimeException | Error e) {
            closeQuietly(libc, fd);
            throw e;
        }
        int wakeFd;
        try {
            wakeFd = libc.eventfd(0, LinuxLibc.EFD_CLOEXEC | LinuxLibc.EFD_NONBLOCK);
        } catch (LastErrorException e) {
            closeQuietly(libc, fd);
            throw failure(name, "eventfd", e);
        }
        return new NetlinkSocket(name, fd, wakeFd);
    }

    private static void enlargeReceiveBuffer(LinuxLibc libc, int fd) {
        int[] size = {RECEIVE_BUFFER_BYTES};
        try {
            libc.setsockopt(fd, LinuxLibc.SOL_SOCKET, LinuxLibc.SO_RCVBUFFORCE, size, Integer.BYTES);
        } catch (LastErrorException notPrivileged) {
            libc.setsockopt(fd, LinuxLibc.SOL_SOCKET, LinuxLibc.SO_RCVBUF, size, Integer.BYTES);
        }
    }

    /** Sends one netlink message (to the kernel: port id 0). */
    @Override
    public void send(byte[] message) throws IOException {
        ensureOpen();
        while (true) {
            try {
                LinuxLibc.INSTANCE.send(fd, message, message.length, 0);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LinuxLibc.EINTR) {
                    throw failure(name, "send", e);
                }
            }
        }
    }

    /**
     * The next datagram, waiting at most {@code timeoutMillis} ({@link #FOREVER}: no limit); empty when none came
     * in time, a signal interrupted the wait, or {@link #wakeUp()} was called.
     *
     * @throws OverflowException when the kernel dropped messages because the receive queue was full: the
     *         owner's picture is stale and must be read afresh
     */
    @Override
    public Optional<byte[]> receive(int timeoutMillis) throws IOException {
        ensureOpen();
        LinuxLibc libc = LinuxLibc.INSTANCE;
        pollFds[0].fd = fd;
        pollFds[0].events = LinuxLibc.POLLIN;
        pollFds[0].revents = 0;
        pollFds[1].fd = wakeFd;
        pollFds[1].events = LinuxLibc.POLLIN;
        pollFds[1].revents = 0;
        try {
            if (libc.poll(pollFds, 2, timeoutMillis) == 0) {
                return Optional.empty();
            }
            // The eventfd is never read back: once woken, every later receive returns at once too.
            if ((pollFds[1].revents & LinuxLibc.POLLIN) != 0 || (pollFds[0].revents & LinuxLibc.POLLIN) == 0) {
                return Optional.empty();
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LinuxLibc.EINTR) {
                return Optional.empty();
            }
            throw failure(name, "poll", e);
        }
        long length;
        try {
            // MSG_TRUNC makes recv return the datagram's real length, so a cut one is noticed.
            sender.nl_pid = -1;
            senderLength[0] = sender.size();
            length = libc.recvfrom(fd, buffer, buffer.length, LinuxLibc.MSG_DONTWAIT | LinuxLibc.MSG_TRUNC, sender,
                    senderLength);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == LinuxLibc.EAGAIN || errno == LinuxLibc.EINTR) {
                return Optional.empty();
            }
            if (errno == LinuxLibc.ENOBUFS) {
                throw new OverflowException(name + ": receive queue overflowed (ENOBUFS), events were lost");
            }
            throw failure(name, "recv", e);
        }
        sender.read();
        if (sender.nl_pid != 0) {
            // Any local process may send to our port; only the kernel's word on links and routes counts.
            return Optional.empty();
        }
        if (length > buffer.length) {
            throw new OverflowException(name + ": a datagram of " + length + " bytes did not fit in "
                    + buffer.length + ", it was cut");
        }
        return Optional.of(Arrays.copyOf(buffer, (int) length));
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public void wakeUp() {
        // Under the lock so that close() cannot release the eventfd's number for reuse between check and write.
        synchronized (wakeLock) {
            if (closed.get()) {
                return;
            }
            byte[] one = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder()).putLong(1).array();
            try {
                LinuxLibc.INSTANCE.write(wakeFd, one, one.length);
            } catch (LastErrorException e) {
                // EAGAIN: the counter is already far from zero, so the owner is woken anyway.
                LOG.debug("{}: waking the reader failed: errno {}", name, e.getErrorCode());
            }
        }
    }

    /** Closes the descriptors once; later calls do nothing. */
    @Override
    public void close() {
        synchronized (wakeLock) {
            if (closed.compareAndSet(false, true)) {
                closeQuietly(LinuxLibc.INSTANCE, fd);
                closeQuietly(LinuxLibc.INSTANCE, wakeFd);
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return name + " netlink socket fd " + fd + (closed.get() ? " (closed)" : "");
    }

    private static void closeQuietly(LinuxLibc libc, int fd) {
        try {
            libc.close(fd);
        } catch (LastErrorException e) {
            // close(2) releases the descriptor even when it reports EINTR or EIO: nothing is left to retry.
        }
    }

    /** {@code EPERM} for 1, and so on; {@code errno N} for numbers outside the small table netlink needs. */
    static String errnoName(int errno) {
        return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
    }

    private static IOException failure(String name, String call, LastErrorException e) {
        return new IOException(name + ": " + call + " failed with " + errnoName(e.getErrorCode()) + " ("
                + e.getMessage() + ")", e);
    }

    /** The kernel dropped messages for this socket ({@code ENOBUFS}): whatever it described must be re-read. */
    static final class OverflowException extends IOException {
        private static final long serialVersionUID = 1L;

        OverflowException(String message) {
            super(message);
        }
    }
}
