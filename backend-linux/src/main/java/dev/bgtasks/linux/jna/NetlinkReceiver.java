package dev.bgtasks.linux.jna;

import com.sun.jna.LastErrorException;

/**
 * Receives netlink datagrams with their sender's port id, reusing one native address for every call. One thread
 * uses a receiver at a time.
 *
 * <pre>{@code
 * NetlinkReceiver receiver = new NetlinkReceiver();
 * long length = receiver.receive(fd, buffer);
 * boolean fromKernel = receiver.senderPort() == 0;
 * }</pre>
 */
public final class NetlinkReceiver {
    private final Libc.SockaddrNl sender = new Libc.SockaddrNl();
    private final int[] senderLength = {sender.size()};

    /** A receiver with no sender seen yet. */
    public NetlinkReceiver() {
        sender.nl_pid = -1;
    }

    /**
     * {@code recvfrom(fd, buffer, MSG_DONTWAIT | MSG_TRUNC)}: never blocks, and returns the datagram's real length
     * even when it did not fit, so a cut datagram is noticed.
     *
     * @param fd the netlink socket
     * @param buffer receives the datagram
     * @return the datagram's length, larger than the buffer when it was cut
     * @throws ErrnoException {@link ErrnoException#EAGAIN} when nothing is queued, {@link ErrnoException#ENOBUFS}
     *         when the receive queue overflowed
     */
    public long receive(int fd, byte[] buffer) throws ErrnoException {
        sender.nl_pid = -1;
        senderLength[0] = sender.size();
        long length;
        try {
            length = Libc.Holder.INSTANCE.recvfrom(fd, buffer, buffer.length, Libc.MSG_DONTWAIT | Libc.MSG_TRUNC,
                    sender, senderLength);
        } catch (LastErrorException e) {
            throw Syscalls.failed("recv", e);
        }
        sender.read();
        return length;
    }

    /** {@return the port id of the last datagram's sender: 0 for the kernel} */
    public int senderPort() {
        return sender.nl_pid;
    }
}
