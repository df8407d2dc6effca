package dev.bgtasks.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one I/O thread: a selector over the listening socket and every connection, all non-blocking. It
 * accepts (checking each peer, SPEC S1), reads and decodes frames, writes what a socket had no room for, and
 * sweeps the connections for their deadlines (hello, a frame under way, a last answer nobody reads). Broker calls
 * never run here: decoded frames go to the server's workers, so a thousand idle connections cost one thread.
 *
 * <pre>{@code
 * ServerLoop loop = new ServerLoop(server, listener);
 * new Thread(loop, "bgtasks-server-io").start();
 * loop.wakeup();   // after changing what a connection waits for, from another thread
 * loop.stop();
 * }</pre>
 */
final class ServerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLoop.class);
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Accepts per readiness of the listener, so a connection storm cannot starve the connections' reads. */
    private static final int ACCEPTS_PER_TURN = 64;
    private static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final BrokerServer server;
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final SelectionKey listenerKey;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final long sweepNanos;
    private volatile boolean stopped;
    private long acceptPausedUntil;
    private long connectionNumbers;

    ServerLoop(BrokerServer server, ServerSocketChannel listener) throws IOException {
        this.server = server;
        this.listener = listener;
        this.selector = Selector.open();
        try {
            listener.configureBlocking(false);
            this.listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        BrokerServer.Options options = server.options();
        long shortest = Math.min(options.helloTimeout().toNanos(), options.frameTimeout().toNanos());
        // A fifth of the shortest timeout: a deadline is noticed at most 20 % late.
        this.sweepNanos = Math.max(MIN_SWEEP_NANOS, Math.min(MAX_SWEEP_NANOS, shortest / 5));
    }

    /** How often deadlines are checked; a timeout is honoured within this much. */
    Duration sweepInterval() {
        return Duration.ofNanos(sweepNanos);
    }

    @Override
    public void run() {
        long nextSweep = System.nanoTime() + sweepNanos;
        try {
            while (!stopped) {
                if (anyDeadline()) {
                    long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime()));
                    selector.select(this::ready, wait);
                } else {
                    // Nothing can time out: sleep until a socket, or a wakeup() from another thread, says so.
                    selector.select(this::ready);
                }
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + sweepNanos;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                LOG.error("the server's I/O loop on {} failed; the broker no longer answers", server.socket(), e);
            }
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing the selector failed: {}", e.toString());
            }
        }
    }

    private void ready(SelectionKey key) {
        try {
            if (key == listenerKey) {
                acceptSome();
                return;
            }
            ServerConnection connection = (ServerConnection) key.attachment();
            if (connection == null || !key.isValid()) {
                return;
            }
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                connection.writable();
            }
            if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
                connection.readable(readBuffer, System.nanoTime());
            }
        } catch (CancelledKeyException e) {
            // Closed by a worker meanwhile.
        }
    }

    private void acceptSome() {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                if (stopped) {
                    return;
                }
                // Out of file descriptors, most likely: stop accepting for a moment rather than spin on it.
                LOG.warn("accepting a connection on {} failed: {}", server.socket(), e.toString());
                listenerKey.interestOps(0);
                acceptPausedUntil = System.nanoTime() + ACCEPT_PAUSE_NANOS;
                return;
            }
            if (channel == null) {
                return;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        ConnectionLimits.Kind kind = null;
        try {
            if (!server.peers().admits(channel)) {
                channel.close();
                return;
            }
            kind = server.limits().admit();
            if (kind == null) {
                server.complain("refusing a connection: {} are open, the most this broker holds",
                        server.limits().total());
                channel.close();
                return;
            }
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            ServerConnection connection = new ServerConnection(++connectionNumbers, channel, key, server, kind,
                    System.nanoTime());
            key.attach(connection);
            server.connectionOpened(connection);
            if (kind == ConnectionLimits.Kind.BUSY) {
                connection.answerBusy(ConnectionLimits.Kind.UNIDENTIFIED);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not take a connection on {}: {}", server.socket(), e.toString());
            if (kind != null) {
                server.limits().release(kind);
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing; the warning above says why.
            }
        }
    }

    /** Whether the next select needs a timeout: an accept pause to end, or a connection's deadline to check. */
    private boolean anyDeadline() {
        if (acceptPausedUntil != 0) {
            return true;
        }
        for (ServerConnection connection : server.connections()) {
            if (connection.hasDeadline()) {
                return true;
            }
        }
        return false;
    }

    private void sweep(long now) {
        if (acceptPausedUntil != 0 && now - acceptPausedUntil >= 0) {
            acceptPausedUntil = 0;
            listenerKey.interestOps(SelectionKey.OP_ACCEPT);
        }
        for (ServerConnection connection : server.connections()) {
            connection.checkDeadlines(now);
        }
    }

    /** From any thread: the loop looks at what changed (a write to finish, a read to resume, a socket to free). */
    void wakeup() {
        selector.wakeup();
    }

    void stop() {
        stopped = true;
        selector.wakeup();
    }
}
