package dev.bgtasks.ipc;

import dev.bgtasks.broker.Broker;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * and macOS every peer must also be the user who owns that directory (SPEC S1). One I/O thread ({@link ServerLoop})
 * serves every connection over non-blocking channels and a small pool of workers makes the broker calls, each
 * connection's requests in order, so an idle connection costs memory, not threads (issue 20: 1,000 apps at once).
 * No client can hold up the broker or another client (SPEC B2): each connection has its own bounded outbound queue
 * and is dropped when it stops reading, stops in the middle of a frame, or never says hello. Apps and task hosts
 * are counted against limits of their own; a connection past its limit is answered {@code busy} with a retry
 * hint, never just closed, so its client waits instead of concluding that no broker runs.
 */
public final class BrokerServer implements AutoCloseable {
    static final int DEFAULT_MAX_APP_CONNECTIONS = 4096;
    static final int DEFAULT_MAX_HOST_CONNECTIONS = 4096;
    static final int DEFAULT_MAX_UNIDENTIFIED = 1024;
    static final int DEFAULT_OUTBOX_FRAMES = 1024;
    static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(10);
    /** The broker calls run on this many threads: they mostly take the broker's one lock in turn anyway. */
    static final int WORKERS = 4;
    /** How long a client told {@code busy} waits before it tries again, at least. */
    static final Duration BUSY_RETRY_AFTER = Duration.ofMillis(250);
    /** How long a connection that is being ended may take to read its last frames. */
    static final Duration LINGER = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);
    private static final int LOUD_COMPLAINTS = 20;
    private static final int ACCEPT_BACKLOG = 1024;

    /**
     * Tuning for tests and unusual hosts.
     *
     * @param maxAppConnections app connections (apps, the {@code bgtask} command) served at once
     * @param maxHostConnections task host connections served at once, counted apart from apps
     * @param maxUnidentified connections that have not said hello yet
     * @param outboxFrames frames queued for one connection before it counts as not reading
     * @param helloTimeout how long a new connection may take to say hello
     * @param frameTimeout how long a frame may take from its first byte to its last
     * @param peerOwner the user peers must be, or null for the owner of the socket's directory
     */
    record Options(int maxAppConnections, int maxHostConnections, int maxUnidentified, int outboxFrames,
                   Duration helloTimeout, Duration frameTimeout, UserPrincipal peerOwner) {
        static Options defaults() {
            return new Options(DEFAULT_MAX_APP_CONNECTIONS, DEFAULT_MAX_HOST_CONNECTIONS, DEFAULT_MAX_UNIDENTIFIED,
                    DEFAULT_OUTBOX_FRAMES, DEFAULT_HELLO_TIMEOUT, DEFAULT_FRAME_TIMEOUT, null);
        }

        Options withLimits(int apps, int hosts, int unidentified) {
            return new Options(apps, hosts, unidentified, outboxFrames, helloTimeout, frameTimeout, peerOwner);
        }

        Options withTimeouts(Duration hello, Duration frame) {
            return new Options(maxAppConnections, maxHostConnections, maxUnidentified, outboxFrames, hello, frame,
                    peerOwner);
        }

        Options withPeerOwner(UserPrincipal owner) {
            return new Options(maxAppConnections, maxHostConnections, maxUnidentified, outboxFrames, helloTimeout,
                    frameTimeout, owner);
        }

        Options withOutboxFrames(int frames) {
            return new Options(maxAppConnections, maxHostConnections, maxUnidentified, frames, helloTimeout,
                    frameTimeout, peerOwner);
        }
    }

    private final Broker broker;
    private final Path socket;
    private final Object socketFileKey;
    private final ServerSocketChannel listener;
    private final PeerCheck peers;
    private final Options options;
    private final ConnectionLimits limits;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, ServerConnection> hosts = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers;
    private final ServerLoop loop;
    private final Thread ioThread;
    private final AtomicInteger complaints = new AtomicInteger();
    private final AtomicLong busyAnswers = new AtomicLong();
    private volatile boolean closed;

    private BrokerServer(Broker broker, Path socket, Object socketFileKey, ServerSocketChannel listener,
                         PeerCheck peers, Options options) throws IOException {
        this.broker = broker;
        this.socket = socket;
        this.socketFileKey = socketFileKey;
        this.listener = listener;
        this.peers = peers;
        this.options = options;
        this.limits = new ConnectionLimits(options.maxAppConnections(), options.maxHostConnections(),
                options.maxUnidentified());
        AtomicInteger workerNumbers = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "bgtasks-server-worker-" + workerNumbers.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.loop = new ServerLoop(this, listener);
        this.ioThread = new Thread(loop, "bgtasks-server-io");
        ioThread.setDaemon(true);
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
        BrokerServer server;
        try {
            // A thousand apps may connect at once: a short backlog would hold their connects up, not refuse them.
            listener.bind(UnixDomainSocketAddress.of(socket), ACCEPT_BACKLOG);
            SocketFiles.restrictToOwner(socket);
            Object fileKey = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            server = new BrokerServer(broker, socket, fileKey, listener, new PeerCheck(owner), options);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        server.ioThread.start();
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

    /** How many connections were answered {@code busy} so far, for tests and diagnostics. */
    long busyAnswers() {
        return busyAnswers.get();
    }

    /** How often the I/O thread checks the connections' deadlines. */
    Duration sweepInterval() {
        return loop.sweepInterval();
    }

    Broker broker() {
        return broker;
    }

    Options options() {
        return options;
    }

    ConnectionLimits limits() {
        return limits;
    }

    PeerCheck peers() {
        return peers;
    }

    Iterable<ServerConnection> connections() {
        return connections;
    }

    /** Runs work off the I/O thread and off the caller's: a connection's requests, a close that may wait. */
    void execute(Runnable action) {
        try {
            workers.execute(action);
        } catch (RejectedExecutionException e) {
            LOG.debug("server closing; dropped a deferred action");
        }
    }

    void wakeup() {
        loop.wakeup();
    }

    void connectionOpened(ServerConnection connection) {
        connections.add(connection);
        if (closed) {
            execute(connection::close);
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

    /** A connection was told the broker is busy: logged like a complaint, so a crowd cannot flood the log. */
    void toldBusy(long number, ConnectionLimits.Kind full) {
        long count = busyAnswers.incrementAndGet();
        String format = "connection {}: busy: {} {} are open, the most this broker takes; told to retry";
        if (count <= LOUD_COMPLAINTS) {
            LOG.info(format, number, limits.count(full), full.description());
        } else {
            LOG.debug(format, number, limits.count(full), full.description());
        }
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
        loop.stop();
        try {
            ioThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ServerConnection connection : List.copyOf(connections)) {
            connection.close();
        }
        // Task hosts' detaches were handed to the workers: let them reach the broker before it closes.
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
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
