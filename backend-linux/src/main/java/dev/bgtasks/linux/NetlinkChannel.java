package dev.bgtasks.linux;

import java.io.IOException;
import java.util.Optional;

/**
 * What a netlink signal source needs of its socket: send a request, receive datagrams with a timeout, close. The
 * real one is {@link NetlinkSocket}; tests script one, so the sources' dump, overflow and shutdown logic runs on
 * every OS without a kernel.
 *
 * <pre>{@code
 * NetlinkChannel.Opener opener = () -> NetlinkSocket.open("rtnetlink", LinuxLibc.NETLINK_ROUTE, groups);
 * }</pre>
 */
interface NetlinkChannel extends AutoCloseable {
    /** Sends one message to the kernel. */
    void send(byte[] message) throws IOException;

    /**
     * The next datagram, or empty when none came within {@code timeoutMillis}.
     *
     * @throws NetlinkSocket.OverflowException when messages were lost and the state must be read again
     */
    Optional<byte[]> receive(int timeoutMillis) throws IOException;

    /** Releases the socket; idempotent. */
    @Override
    void close();

    /** Opens a channel: deferred, so a source opens its socket in {@code start()}, not when built. */
    @FunctionalInterface
    interface Opener {
        NetlinkChannel open() throws IOException;
    }
}
