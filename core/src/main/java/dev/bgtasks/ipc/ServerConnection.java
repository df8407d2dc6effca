package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.broker.BrokerOperations;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.broker.HostOperations;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: frames decoded on the server's I/O thread are handled in order on its worker pool, one
 * at a time per connection, and answers and pushed frames leave through a {@link ChannelOutput}, also in order.
 * The first frame must be {@code hello}; it makes the connection an app's (any app id per request) or a task
 * host's (bound to one run token, SPEC S2), each counted against its own limit; when that limit is reached the
 * hello is answered {@code busy} and the connection ends (issue 20).
 *
 * <pre>{@code
 * ServerConnection c = new ServerConnection(7, channel, key, server, Kind.UNIDENTIFIED, System.nanoTime());
 * c.readable(readBuffer, now);   // the I/O thread, when the socket has bytes
 * c.checkDeadlines(now);         // the I/O thread, every sweep: hello, frame and linger timeouts
 * }</pre>
 *
 * <p>Bad input ends here: a frame that cannot be read closes this connection after an error frame; a readable
 * request that cannot be carried out gets an error response and the connection goes on (SPEC B2). A peer that
 * starts a frame and does not finish it within the frame timeout, or never says hello, is closed the same way.
 */
final class ServerConnection implements AppRequests.Subscriptions, ChannelOutput.Owner {
    /** Keeps one client from piling listeners into the broker. */
    static final int MAX_SUBSCRIPTIONS = 64;
    /** Frames read but not yet handled before the server stops reading this peer: a flood waits in its socket. */
    static final int MAX_QUEUED_FRAMES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    private enum Role { NONE, APP, HOST }

    private final long number;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final BrokerServer server;
    private final BrokerOperations broker;
    private final HostOperations hostSide;
    private final AppRequests appRequests;
    private final ChannelOutput output;
    private final FrameDecoder decoder = new FrameDecoder();
    private final long acceptedNanos;
    private final Map<Integer, AutoCloseable> subscriptions = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ending = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final ConnectionInbox inbox;
    /** What the broker pushes to a host line, held back until hello-ok is queued. */
    private final HostPushes hostPushes = new HostPushes(this::send);
    private volatile Role role = Role.NONE;
    private volatile String runToken;
    private volatile boolean answeredBusy;
    private volatile long lingerDeadline;
    /** Read on the I/O thread only: a frame arrived, so the hello deadline no longer applies. */
    private boolean anyFrame;
    private final ConnectionSlot slot;

    ServerConnection(long number, SocketChannel channel, SelectionKey key, BrokerServer server,
                     ConnectionLimits.Kind kind, long acceptedNanos) {
        this.number = number;
        this.channel = channel;
        this.key = key;
        this.server = server;
        this.broker = server.broker();
        this.hostSide = server.broker();
        this.appRequests = new AppRequests(broker);
        this.output = new ChannelOutput(channel, server.options().outboxFrames(), this);
        this.inbox = new ConnectionInbox(server::execute, MAX_QUEUED_FRAMES, new ConnectionInbox.Reading() {
            @Override
            public void pause() {
                interest(SelectionKey.OP_READ, false);
            }

            @Override
            public void resume() {
                interest(SelectionKey.OP_READ, true);
                server.wakeup();
            }
        });
        this.slot = new ConnectionSlot(server.limits(), kind);
        this.acceptedNanos = acceptedNanos;
    }

    long number() {
        return number;
    }

    /** On the I/O thread: the socket has bytes, or its end. Reads once; the next readiness reads on. */
    void readable(ByteBuffer buffer, long now) {
        if (closed.get() || ending.get()) {
            stopReading();
            return;
        }
        int n;
        try {
            n = channel.read(buffer.clear());
        } catch (IOException e) {
            LOG.debug("connection {}: {}", number, e.toString());
            close();
            return;
        }
        try {
            if (n > 0) {
                decoder.feed(buffer.flip(), now, this::received);
            } else if (n < 0) {
                stopReading();
                decoder.endOfStream();
                LOG.debug("connection {}: the peer closed it", number);
                // It may still read: answers to what it sent before go out before the connection closes.
                enqueue(() -> endWith(null));
            }
        } catch (FrameException e) {
            stopReading();
            enqueue(() -> {
                if (!ending.get()) {
                    server.complain("connection {}: {}; closing it", number, e.getMessage());
                    endWith(WireError.protocol(e.getMessage()));
                }
            });
        }
    }

    /** On the I/O thread: the socket has room for what waits to be written. */
    void writable() {
        output.writable();
    }

    /**
     * On the I/O thread: whether a deadline of this connection runs (no hello yet, a frame half read, a linger), so
     * the loop sweeps only while one does and an idle broker with connected apps sleeps until a socket wakes it.
     */
    boolean hasDeadline() {
        if (closed.get()) {
            return false;
        }
        if (lingerDeadline != 0) {
            return true;
        }
        return !ending.get() && (!anyFrame || decoder.insideFrame());
    }

    /** On the I/O thread, every sweep: ends a peer that holds a slot without getting on with it. */
    void checkDeadlines(long now) {
        if (closed.get()) {
            return;
        }
        long linger = lingerDeadline;
        if (linger != 0 && now - linger >= 0) {
            close();
            return;
        }
        if (ending.get()) {
            return;
        }
        BrokerServer.Options options = server.options();
        if (!anyFrame && now - acceptedNanos >= options.helloTimeout().toNanos()) {
            if (answeredBusy) {
                endWith(null);
            } else {
                server.complain("connection {}: no hello within {}; closing it", number, options.helloTimeout());
                endWith(WireError.protocol("no hello within " + options.helloTimeout()));
            }
        } else if (decoder.insideFrame() && now - decoder.frameStartedNanos() >= options.frameTimeout().toNanos()) {
            server.complain("connection {}: a frame was not completed within {}; closing it", number,
                    options.frameTimeout());
            stopReading();
            endWith(WireError.protocol("a frame was not completed within " + options.frameTimeout()));
        }
    }

    private void received(ObjectNode frame) {
        anyFrame = true;
        enqueue(() -> handle(frame));
    }

    /** Runs {@code work} after what this connection received before it, on the server's workers. */
    private void enqueue(Runnable work) {
        inbox.add(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.error("connection {}: unexpected failure; closing it", number, e);
                close();
            }
        });
    }

    private void stopReading() {
        inbox.stopReading();
    }

    private void interest(int op, boolean wanted) {
        try {
            if (wanted) {
                key.interestOpsOr(op);
            } else {
                key.interestOpsAnd(~op);
            }
        } catch (CancelledKeyException e) {
            // Closed meanwhile: nothing more to read or write.
        }
    }

    @Override
    public void wantWritable(boolean wanted) {
        interest(SelectionKey.OP_WRITE, wanted);
        if (wanted) {
            server.wakeup();
        }
    }

    @Override
    public void failed(IOException failure) {
        LOG.debug("connection {}: writing failed: {}", number, failure.toString());
        close();
    }

    @Override
    public void drained() {
        close();
    }

    /**
     * Tells the peer the broker is busy: {@code full} holds as many connections as it takes. The connection ends
     * once the peer's hello is in (it may already be) and the answer written.
     */
    void answerBusy(ConnectionLimits.Kind full) {
        slot.moveTo(ConnectionLimits.Kind.BUSY);
        answeredBusy = true;
        server.toldBusy(number, full);
        send(ServerFrames.busy(server.limits().limit(full), full.description(),
                BrokerServer.BUSY_RETRY_AFTER.toMillis()));
    }

    private void handle(ObjectNode frame) {
        if (closed.get() || ending.get()) {
            return;
        }
        if (answeredBusy) {
            // The hello of a peer told at accept that the broker is busy: it knows, so the connection ends.
            endWith(null);
            return;
        }
        JsonNode typeNode = frame.get(Messages.TYPE);
        String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : null;
        if (role == Role.NONE) {
            if (Messages.HELLO.equals(type)) {
                hello(new Params(frame));
            } else {
                server.complain("connection {}: first frame is not a hello; closing it", number);
                endWith(WireError.protocol("the first frame must be a hello, got type " + Messages.brief(typeNode)));
            }
            return;
        }
        JsonNode idNode = frame.get(Messages.ID);
        if (idNode == null || !idNode.isIntegralNumber() || !idNode.canConvertToInt()) {
            server.complain("connection {}: a {} frame without an integer id; closing it", number,
                    Messages.brief(typeNode));
            endWith(WireError.protocol("a request needs an integer \"id\", got " + Messages.brief(idNode)));
            return;
        }
        int id = idNode.asInt();
        try {
            if (type == null) {
                throw new BadRequestException(Messages.TYPE, "a request needs a string \"type\", got "
                        + Messages.brief(typeNode));
            }
            Params params = new Params(frame);
            if (role == Role.APP) {
                appRequests.handle(type, id, params, this, result -> respond(id, result));
            } else {
                respond(id, HostRequests.handle(hostSide, runToken, type, params));
            }
        } catch (RuntimeException e) {
            WireError error = WireError.of(e);
            if (error.kind() == WireError.Kind.INTERNAL) {
                LOG.error("connection {}: {} failed", number, Messages.brief(type), e);
            } else if (error.kind() == WireError.Kind.PROTOCOL) {
                server.complain("connection {}: bad {} request: {}", number, Messages.brief(type), e.getMessage());
            }
            respond(id, error);
        }
    }

    private void hello(Params p) {
        int version;
        String roleName;
        try {
            version = p.integer(Messages.VERSION);
            roleName = p.requiredText(Messages.ROLE);
        } catch (BadRequestException e) {
            endWith(WireError.of(e));
            return;
        }
        if (version != Frames.PROTOCOL_VERSION) {
            server.complain("connection {}: refused protocol version {}", number, version);
            endWith(WireError.protocol("protocol version " + version + " is not supported: this broker speaks "
                    + "version " + Frames.PROTOCOL_VERSION));
            return;
        }
        if (Messages.ROLE_APP.equals(roleName)) {
            if (!slot.moveTo(ConnectionLimits.Kind.APP)) {
                answerBusy(ConnectionLimits.Kind.APP);
                endWith(null);
                return;
            }
            role = Role.APP;
            send(ServerFrames.helloOk(null));
        } else if (Messages.ROLE_HOST.equals(roleName)) {
            attachHost(p);
        } else if (Messages.ROLE_STANDBY.equals(roleName)) {
            attachStandby(p);
        } else {
            endWith(WireError.protocol("unknown role \"" + Messages.brief(roleName) + "\": app, host or standby"));
        }
    }

    private void attachHost(Params p) {
        attachHostLine(p, "task host", token -> {
            HostAttachment attachment = hostSide.attachHost(token, hostPushes::cancel);
            LOG.debug("connection {}: task host of instance {} attached", number, attachment.instanceId());
            return ServerFrames.helloOk(attachment);
        });
    }

    /**
     * SPEC W1: a standby host says hello with its token. It is a host connection from now on, bound to that token,
     * which speaks for no instance until the broker pushes {@code take} (S2): then its requests are the instance's.
     */
    private void attachStandby(Params p) {
        attachHostLine(p, "standby task host", token -> {
            dev.bgtasks.broker.StandbyAttachment standby = hostSide.attachStandby(token,
                    new dev.bgtasks.broker.StandbyControl() {
                        @Override
                        public void take(HostAttachment attachment, String resultFile) {
                            hostPushes.take(ServerFrames.take(attachment, resultFile));
                        }

                        @Override
                        public void cancel(BackgroundTaskCancellationReason reason) {
                            hostPushes.cancel(reason);
                        }
                    });
            LOG.debug("connection {}: standby task host for task {} attached", number, standby.taskId());
            return ServerFrames.standbyOk(standby);
        });
    }

    /** A task host's or a standby's hello: a host slot, the broker's attach by run token, then its answer. */
    private void attachHostLine(Params p, String what, java.util.function.Function<String, byte[]> attach) {
        if (!slot.moveTo(ConnectionLimits.Kind.HOST)) {
            answerBusy(ConnectionLimits.Kind.HOST);
            endWith(null);
            return;
        }
        String token;
        byte[] answer;
        try {
            token = p.requiredText(Messages.RUN_TOKEN);
            answer = attach.apply(token);
        } catch (RuntimeException e) {
            server.complain("connection {}: {} refused: {}", number, what, e.getMessage());
            endWith(WireError.of(e));
            return;
        }
        runToken = token;
        role = Role.HOST;
        server.hostAttached(token, this);
        if (closed.get()) {
            server.hostDetached(token, this);
            return;
        }
        hostPushes.opened(answer);
    }

    @Override
    public void open(int subscription, Function<Consumer<byte[]>, AutoCloseable> subscribe) {
        if (subscriptions.containsKey(subscription)) {
            throw new BadRequestException(Messages.ID, "subscription " + subscription + " is already open");
        }
        if (subscriptions.size() >= MAX_SUBSCRIPTIONS) {
            throw new IllegalStateException("at most " + MAX_SUBSCRIPTIONS + " subscriptions per connection");
        }
        subscriptions.put(subscription, subscribe.apply(this::send));
        if (closed.get()) {
            closeQuietly(subscriptions.remove(subscription));
        }
    }

    @Override
    public boolean unsubscribe(int subscription) {
        AutoCloseable handle = subscriptions.remove(subscription);
        closeQuietly(handle);
        return handle != null;
    }

    private void respond(int id, JsonNode result) {
        byte[] bytes;
        try {
            bytes = ServerFrames.response(id, result);
        } catch (IllegalArgumentException tooLarge) {
            respond(id, new WireError(WireError.Kind.INTERNAL, tooLarge.getMessage(), null));
            return;
        }
        send(bytes);
    }

    private void respond(int id, WireError error) {
        send(ServerFrames.error(id, error));
    }

    private void send(byte[] frame) {
        queued(output.offer(frame));
    }

    private void queued(boolean accepted) {
        if (!accepted && !closed.get() && !ending.get() && overflowed.compareAndSet(false, true)) {
            // A peer that does not read must not hold the broker: drop it, off this (possibly the broker's) thread.
            server.complain("connection {} does not read what the broker sends; disconnecting it", number);
            close();
        }
    }

    /**
     * Sends what is queued and a last error frame (unless null), then closes once they are written, or after a
     * grace for a peer that never reads. From any thread.
     */
    private void endWith(WireError error) {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        stopReading();
        byte[] last = error == null ? null : ServerFrames.fatal(error);
        long deadline = System.nanoTime() + BrokerServer.LINGER.toNanos();
        lingerDeadline = deadline == 0 ? 1 : deadline;
        // The loop may sleep without a timeout while no deadline runs: it must see this one.
        server.wakeup();
        output.finish(last);
    }

    /**
     * Frees the slot and closes the socket at once, from any thread, the broker's own included: nothing here waits
     * for the broker, so a peer the I/O thread ends is gone at its deadline even while every worker waits for the
     * broker's lock. Only a task host's detach takes that lock, so it runs on a worker afterwards.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable subscription : List.copyOf(subscriptions.values())) {
            closeQuietly(subscription);
        }
        subscriptions.clear();
        if (role == Role.HOST) {
            String token = runToken;
            server.execute(() -> server.hostDetached(token, this));
        }
        // The slot is free before the peer can see the end, so a peer that reconnects at once finds room.
        slot.release();
        server.connectionClosed(this);
        output.stop();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("connection {}: closing failed: {}", number, e.toString());
        }
        // A registered channel's socket is released when the I/O thread deregisters it: let it do so now.
        server.wakeup();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing a subscription failed", e);
        }
    }
}
