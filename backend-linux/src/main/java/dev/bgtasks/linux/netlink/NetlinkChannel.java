package dev.bgtasks.linux.netlink;

import java.io.IOException;
import java.util.Optional;

/**
 * What a netlink signal source needs of its socket: send a request, receive datagrams with a timeout, close. The
 * real one is {@link NetlinkSocket}; tests script one, so the sources' dump, overflow and shutdown logic runs on
 * every OS without a kernel.
 *
 * <pre>{@code
 * NetlinkChannel.Opener opener = () -> NetlinkSocket.open("rtnetlink", NetlinkSocket.ROUTE, groups);
 * }</pre>
 */
public interface NetlinkChannel extends AutoCloseable {
    /** A {@link #receive} timeout that waits until a datagram or {@link #wakeUp()} comes. */
    int FOREVER = -1;

    /**
     * Sends one message to the kernel.
     *
     * @param message a whole netlink message, header included
     * @throws IOException when the kernel refuses it or the channel is closed
     */
    void send(byte[] message) throws IOException;

    /**
     * The next datagram, or empty when none came within {@code timeoutMillis} ({@link #FOREVER}: no limit) or the
     * channel was woken up.
     *
     * @param timeoutMillis how long to wait at most, or {@link #FOREVER}
     * @return the datagram, or empty
     * @throws IOException when receiving fails or the channel is closed
     * @throws NetlinkSocket.OverflowException when messages were lost and the state must be read again
     */
    Optional<byte[]> receive(int timeoutMillis) throws IOException;

    /**
     * Makes a {@link #receive} waiting now, and every later one, return empty at once: how another thread tells
     * the owner to stop without a timer waking it in the meantime. Safe from any thread, even after close.
     */
    void wakeUp();

    /** Releases the socket; idempotent. */
    @Override
    void close();

    /** Opens a channel: deferred, so a source opens its socket in {@code start()}, not when built. */
    @FunctionalInterface
    interface Opener {
        /**
         * Opens the channel.
         *
         * @return the open channel
         * @throws IOException when the socket cannot be opened
         */
        NetlinkChannel open() throws IOException;
    }
}
