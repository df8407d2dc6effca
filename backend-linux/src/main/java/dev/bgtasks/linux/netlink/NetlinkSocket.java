package dev.bgtasks.linux.netlink;

import dev.bgtasks.linux.jna.ErrnoException;
import dev.bgtasks.linux.jna.NetlinkReceiver;
import dev.bgtasks.linux.jna.PollSet;
import dev.bgtasks.linux.jna.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound {@code AF_NETLINK} datagram socket: rtnetlink or kobject uevents. Turns errno into {@link IOException}s
 * that name it, and a receive-queue overflow into {@link OverflowException} so the owner re-reads its state.
 *
 * <pre>{@code
 * try (NetlinkSocket socket = NetlinkSocket.open("rtnetlink", NetlinkSocket.ROUTE, groups)) {
 *     socket.send(request);
 *     Optional<byte[]> datagram = socket.receive(500);   // empty: nothing within 500 ms
 * }
 * }</pre>
 *
 * <p>One thread owns a socket: it receives and, when done, closes. {@link #close()} is idempotent, but closing
 * from another thread while the owner polls would let the fd number be reused under it, so another thread calls
 * {@link #wakeUp()} instead: an eventfd polled beside the socket ends the owner's wait, with no timer.
 */
public final class NetlinkSocket implements NetlinkChannel {
    /** {@code NETLINK_ROUTE} of linux/netlink.h: links, addresses and routes. */
    public static final int ROUTE = 0;
    /** {@code NETLINK_KOBJECT_UEVENT} of linux/netlink.h: the kernel's device events. */
    public static final int KOBJECT_UEVENT = 15;

    private static final Logger LOG = LoggerFactory.getLogger(NetlinkSocket.class);
    /**
     * Room for bursts of events between two receives. The kernel caps {@code SO_RCVBUF} at
     * {@code net.core.rmem_max}; root may exceed that with {@code SO_RCVBUFFORCE}, which we try first.
     */
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    // The kernel never builds a netlink datagram beyond 32 KiB (netlink_recvmsg caps max_recvmsg_len there).
    private static final int DATAGRAM_BUFFER_BYTES = 64 * 1024;

    private final String name;
    private final int fd;
    private final int wakeFd;
    private final Object wakeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final byte[] buffer = new byte[DATAGRAM_BUFFER_BYTES];
    private final PollSet pollSet;
    private final NetlinkReceiver receiver = new NetlinkReceiver();

    private NetlinkSocket(String name, int fd, int wakeFd) {
        this.name = name;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.pollSet = new PollSet(fd, wakeFd);
    }

    /**
     * Opens a socket of {@code protocol} subscribed to the multicast {@code groups} bit mask, the kernel choosing
     * the port id.
     *
     * @param name labels errors and logs
     * @param protocol the netlink protocol, e.g. {@link #ROUTE}
     * @param groups the multicast groups to join, a bit mask
     * @return the bound socket
     * @throws IOException naming the call that failed and its errno
     */
    public static NetlinkSocket open(String name, int protocol, int groups) throws IOException {
        int fd;
        try {
            fd = Syscalls.netlinkSocket(protocol);
        } catch (ErrnoException e) {
            throw failure(name, e);
        }
        int wakeFd;
        try {
            Syscalls.setReceiveBuffer(fd, RECEIVE_BUFFER_BYTES);
            Syscalls.bindNetlink(fd, groups);
            wakeFd = Syscalls.eventFd();
        } catch (ErrnoException e) {
            closeQuietly(fd);
            throw failure(name, e);
        } catch (RuntimeException | Error e) {
            closeQuietly(fd);
            throw e;
        }
        return new NetlinkSocket(name, fd, wakeFd);
    }

    /** Sends one netlink message (to the kernel: port id 0). */
    @Override
    public void send(byte[] message) throws IOException {
        ensureOpen();
        while (true) {
            try {
                Syscalls.send(fd, message);
                return;
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.EINTR) {
                    throw failure(name, e);
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
        try {
            if (pollSet.poll(timeoutMillis) == 0) {
                return Optional.empty();
            }
            // The eventfd is never read back: once woken, every later receive returns at once too.
            if (pollSet.readable(1) || !pollSet.readable(0)) {
                return Optional.empty();
            }
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.EINTR) {
                return Optional.empty();
            }
            throw failure(name, e);
        }
        long length;
        try {
            length = receiver.receive(fd, buffer);
        } catch (ErrnoException e) {
            int errno = e.errno();
            if (errno == ErrnoException.EAGAIN || errno == ErrnoException.EINTR) {
                return Optional.empty();
            }
            if (errno == ErrnoException.ENOBUFS) {
                throw new OverflowException(name + ": receive queue overflowed (ENOBUFS), events were lost");
            }
            throw failure(name, e);
        }
        if (receiver.senderPort() != 0) {
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
                Syscalls.write(wakeFd, one);
            } catch (ErrnoException e) {
                // EAGAIN: the counter is already far from zero, so the owner is woken anyway.
                LOG.debug("{}: waking the reader failed: errno {}", name, e.errno());
            }
        }
    }

    /** Closes the descriptors once; later calls do nothing. */
    @Override
    public void close() {
        synchronized (wakeLock) {
            if (closed.compareAndSet(false, true)) {
                closeQuietly(fd);
                closeQuietly(wakeFd);
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

    private static void closeQuietly(int fd) {
        try {
            Syscalls.close(fd);
        } catch (ErrnoException e) {
            // close(2) releases the descriptor even when it reports EINTR or EIO: nothing is left to retry.
        }
    }

    private static IOException failure(String name, ErrnoException e) {
        return new IOException(name + ": " + e.getMessage(), e);
    }

    /** The kernel dropped messages for this socket ({@code ENOBUFS}): whatever it described must be re-read. */
    public static final class OverflowException extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message which socket overflowed, and how
         */
        public OverflowException(String message) {
            super(message);
        }
    }
}
