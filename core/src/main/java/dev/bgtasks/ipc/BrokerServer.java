package dev.bgtasks.ipc;

import dev.bgtasks.broker.Broker;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link Broker} on a Unix domain socket: apps (and the {@code bgtask} command) call its operations, task
 * hosts attach with their run token and report progress and results, and the broker pushes events and
 * cancellations back. The wire format is described in {@link Frames}, {@link BrokerClient} and
 * {@link HostConnection}.
 *
 * <pre>{@code
 * Broker broker = Broker.start(config);
 * BrokerServer server = BrokerServer.start(broker, Path.of("/run/user/1000/bgtasks/broker.sock"));
 * ...
 * server.close();   // first, so no request reaches a closed broker
 * broker.close();
 * }</pre>
 *
 * <p>The socket's directory is created owner-only when missing and the socket file is made owner-only; on Linux
 * and macOS every peer must also be the user who owns that directory (SPEC S1). No client can hold up the broker
 * or another client (SPEC B2): each connection has its own reader thread, its own bounded outbound queue and
 * writer thread, and is dropped when it stops reading; connections are bounded in number.
 */
public final class BrokerServer implements AutoCloseable {
    static final int DEFAULT_MAX_CONNECTIONS = 256;
    static final int DEFAULT_OUTBOX_FRAMES = 1024;
    static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);
    /** How long a connection that is being ended may take to read its last frames. */
    static final Duration LINGER = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);
    private static final int LOUD_COMPLAINTS = 20;
    private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * Tuning for tests and unusual hosts.
     *
     * @param maxConnections connections served at once; more are closed at accept
     * @param outboxFrames frames queued for one connection before it counts as not reading
     * @param helloTimeout how long a new connection may take to say hello
     * @param peerOwner the user peers must be, or null for the owner of the socket's directory
     */
    record Options(int maxConnections, int outboxFrames, Duration helloTimeout, UserPrincipal peerOwner) {
        static Options defaults() {
            return new Options(DEFAULT_MAX_CONNECTIONS, DEFAULT_OUTBOX_FRAMES, DEFAULT_HELLO_TIMEOUT, null);
        }
    }

    private final Broker broker;
    private final Path socket;
    private final Object socketFileKey;
    private final ServerSocketChannel listener;
    private final PeerCheck peers;
    private final Options options;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, ServerConnection> hosts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final Thread acceptor;
    private final AtomicLong connectionNumbers = new AtomicLong();
    private final AtomicInteger complaints = new AtomicInteger();
    private volatile boolean closed;

    private BrokerServer(Broker broker, Path socket, Object socketFileKey, ServerSocketChannel listener,
                         PeerCheck peers, Options options) {
        this.broker = broker;
        this.socket = socket;
        this.socketFileKey = socketFileKey;
        this.listener = listener;
        this.peers = peers;
        this.options = options;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-server-timers");
            thread.setDaemon(true);
            return thread;
        });
        // Every connection arms a hello timer that hello cancels: do not keep thousands of dead ones queued.
        executor.setRemoveOnCancelPolicy(true);
        this.timers = executor;
        this.acceptor = new Thread(this::acceptLoop, "bgtasks-server-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IOException when a broker already answers on {@code socketPath}, or the socket cannot be bound
     */
    public static BrokerServer start(Broker broker, Path socketPath) throws IOException {
        return start(broker, socketPath, Options.defaults());
    }

    static BrokerServer start(Broker broker, Path socketPath, Options options) throws IOException {
        Objects.requireNonNull(broker, "broker");
        Path socket = socketPath.toAbsolutePath();
        Path dir = socket.getParent();
        SocketFiles.prepareDirectory(dir);
        SocketFiles.clearStale(socket);
        UserPrincipal owner = options.peerOwner() != null ? options.peerOwner()
                : Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Object fileKey;
        try {
            listener.bind(UnixDomainSocketAddress.of(socket));
            SocketFiles.restrictToOwner(socket);
            fileKey = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        BrokerServer server = new BrokerServer(broker, socket, fileKey, listener, new PeerCheck(owner), options);
        server.acceptor.start();
        LOG.info("serving the broker on {}", socket);
        return server;
    }

    public Path socket() {
        return socket;
    }

    /** Connections open now, for tests and diagnostics. */
    int connectionCount() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                // Out of file descriptors, most likely: do not spin on it.
                LOG.warn("accepting a connection on {} failed: {}", socket, e.toString());
                LockSupport.parkNanos(ACCEPT_RETRY_NANOS);
                continue;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        try {
            if (connections.size() >= options.maxConnections()) {
                complain("refusing a connection: {} are open, the most this broker serves", connections.size());
                channel.close();
                return;
            }
            if (!peers.admits(channel)) {
                channel.close();
                return;
            }
            ServerConnection connection = new ServerConnection(connectionNumbers.incrementAndGet(), channel, this,
                    options.outboxFrames());
            connections.add(connection);
            if (closed) {
                connection.close();
                return;
            }
            connection.start(options.helloTimeout());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not take a connection on {}: {}", socket, e.toString());
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing; the warning above says why.
            }
        }
    }

    Broker broker() {
        return broker;
    }

    Future<?> schedule(Duration delay, Runnable action) {
        try {
            return timers.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The server is closing and closes every connection itself.
            return null;
        }
    }

    void execute(Runnable action) {
        try {
            timers.execute(action);
        } catch (RejectedExecutionException e) {
            LOG.debug("server closing; dropped a deferred action");
        }
    }

    void hostAttached(String runToken, ServerConnection connection) {
        hosts.put(runToken, connection);
    }

    /** Detaches the host only if this connection is still its newest: a reconnected host keeps its line. */
    void hostDetached(String runToken, ServerConnection connection) {
        if (hosts.remove(runToken, connection)) {
            broker.detachHost(runToken);
        }
    }

    void connectionClosed(ServerConnection connection) {
        connections.remove(connection);
    }

    /** Logs misbehaving peers, loudly at first and then at debug, so a flood of garbage cannot flood the log. */
    void complain(String format, Object... args) {
        int count = complaints.incrementAndGet();
        if (count <= LOUD_COMPLAINTS) {
            LOG.warn(format, args);
            if (count == LOUD_COMPLAINTS) {
                LOG.warn("further misbehaving connections on {} are logged at debug level", socket);
            }
        } else {
            LOG.debug(format, args);
        }
    }

    /** Stops accepting, closes every connection and removes the socket file. The broker is left running. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        deleteSocketFileIfOurs();
        try {
            listener.close();
        } catch (IOException e) {
            LOG.warn("closing the socket {} failed: {}", socket, e.toString());
        }
        for (ServerConnection connection : List.copyOf(connections)) {
            connection.close();
        }
        timers.shutdownNow();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped serving {}", socket);
    }

    private void deleteSocketFileIfOurs() {
        try {
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (socketFileKey != null && !socketFileKey.equals(key)) {
                LOG.warn("{} is no longer the socket this server bound; leaving it", socket);
                return;
            }
        } catch (IOException e) {
            LOG.debug("socket {} is already gone: {}", socket, e.toString());
            return;
        }
        SocketFiles.deleteQuietly(socket);
    }
}
