package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.BrokerOperations;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.broker.HostOperations;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: a reader thread that takes requests in order and answers them, and an {@link Outbox}
 * for answers and pushed frames. The first frame must be {@code hello}; it makes the connection an app's (any app
 * id per request) or a task host's (bound to one run token, SPEC S2).
 *
 * <p>Bad input ends here: a frame that cannot be read closes this connection after an error frame; a readable
 * request that cannot be carried out gets an error response and the connection goes on (SPEC B2).
 */
final class ServerConnection implements AppRequests.Subscriptions {
    /** Keeps one client from piling listeners into the broker. */
    static final int MAX_SUBSCRIPTIONS = 64;
    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    private enum Role { NONE, APP, HOST }

    private final long number;
    private final SocketChannel channel;
    private final BrokerServer server;
    private final BrokerOperations broker;
    private final HostOperations hostSide;
    private final AppRequests appRequests;
    private final Outbox outbox;
    private final Thread reader;
    private final Map<Integer, AutoCloseable> subscriptions = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ending = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    // Holds a cancellation that comes before hello-ok is queued, so the host always reads hello-ok first.
    private final Object cancelGate = new Object();
    private volatile Role role = Role.NONE;
    private volatile String runToken;
    private volatile Future<?> helloTimer;
    private volatile Future<?> lingerTimer;
    private boolean helloSent;
    private BackgroundTaskCancellationReason earlyCancel;

    ServerConnection(long number, SocketChannel channel, BrokerServer server, int outboxFrames) {
        this.number = number;
        this.channel = channel;
        this.server = server;
        this.broker = server.broker();
        this.hostSide = server.broker();
        this.appRequests = new AppRequests(broker);
        this.outbox = new Outbox(channel, outboxFrames, "bgtasks-conn-" + number + "-writer", failure -> close());
        this.reader = new Thread(this::readLoop, "bgtasks-conn-" + number + "-reader");
        reader.setDaemon(true);
    }

    void start(Duration helloTimeout) {
        outbox.start();
        reader.start();
        helloTimer = server.schedule(helloTimeout, () -> {
            if (role == Role.NONE) {
                endWith(WireError.protocol("no hello within " + helloTimeout));
            }
        });
    }

    private void readLoop() {
        try {
            while (!closed.get() && !ending.get()) {
                ObjectNode frame = Frames.read(channel);
                if (frame == null) {
                    LOG.debug("connection {}: the peer closed it", number);
                    // It may still read: answers already queued go out before the connection closes.
                    endWith(null);
                    break;
                }
                handle(frame);
            }
        } catch (FrameException e) {
            server.complain("connection {}: {}; closing it", number, e.getMessage());
            endWith(WireError.protocol(e.getMessage()));
        } catch (IOException e) {
            if (!closed.get() && !ending.get()) {
                LOG.debug("connection {}: {}", number, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("connection {}: unexpected failure; closing it", number, e);
        } finally {
            if (!ending.get()) {
                close();
            }
        }
    }

    private void handle(ObjectNode frame) {
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
            JsonNode result = role == Role.APP ? appRequests.handle(type, id, params, this) : host(type, params);
            respond(id, result);
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
            role = Role.APP;
            cancelHelloTimer();
            send(helloOk(null));
        } else if (Messages.ROLE_HOST.equals(roleName)) {
            attachHost(p);
        } else {
            endWith(WireError.protocol("unknown role \"" + Messages.brief(roleName) + "\": app or host"));
        }
    }

    private void attachHost(Params p) {
        HostAttachment attachment;
        String token;
        try {
            token = p.requiredText(Messages.RUN_TOKEN);
            attachment = hostSide.attachHost(token, this::pushCancel);
        } catch (RuntimeException e) {
            server.complain("connection {}: task host refused: {}", number, e.getMessage());
            endWith(WireError.of(e));
            return;
        }
        runToken = token;
        role = Role.HOST;
        cancelHelloTimer();
        server.hostAttached(token, this);
        if (closed.get()) {
            server.hostDetached(token, this);
            return;
        }
        LOG.debug("connection {}: task host of instance {} attached", number, attachment.instanceId());
        synchronized (cancelGate) {
            send(helloOk(attachment));
            helloSent = true;
            if (earlyCancel != null) {
                send(cancelFrame(earlyCancel));
            }
        }
    }

    /** The {@code HostControl} of this host: called under the broker's lock, so it only queues. */
    private void pushCancel(BackgroundTaskCancellationReason reason) {
        synchronized (cancelGate) {
            if (!helloSent) {
                earlyCancel = reason;
                return;
            }
            send(cancelFrame(reason));
        }
    }

    private JsonNode host(String type, Params p) {
        switch (type) {
            case Messages.PROGRESS:
                hostSide.reportProgress(runToken, p.integer(Messages.PROGRESS));
                return NullNode.getInstance();
            case Messages.HOST_RESULT:
                hostSide.reportResult(runToken, p.text(Messages.ERROR_CLASS), p.text(Messages.ERROR_MESSAGE));
                return NullNode.getInstance();
            case Messages.MEMORY:
                return WireJson.MAPPER.valueToTree(hostSide.memoryOf(runToken));
            case Messages.SET_MEMORY_LIMIT:
                return BooleanNode.valueOf(hostSide.trySetMemoryLimit(runToken, p.longValue(Messages.BYTES)));
            default:
                throw new BadRequestException(Messages.TYPE, "unknown request type \"" + Messages.brief(type)
                        + "\" for a task host: progress, result, memory or setMemoryLimit");
        }
    }

    @Override
    public void subscribe(int subscription, String appId) {
        if (subscriptions.containsKey(subscription)) {
            throw new BadRequestException(Messages.ID, "subscription " + subscription + " is already open");
        }
        if (subscriptions.size() >= MAX_SUBSCRIPTIONS) {
            throw new IllegalStateException("at most " + MAX_SUBSCRIPTIONS + " subscriptions per connection");
        }
        AutoCloseable handle = broker.subscribe(appId, event -> pushEvent(subscription, event));
        subscriptions.put(subscription, handle);
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

    /** Called on the broker's thread, under its lock: serializes and queues, never blocks. */
    private void pushEvent(int subscription, AppEvent event) {
        ObjectNode frame = frame(Messages.PUSH_EVENT);
        frame.put(Messages.SUBSCRIPTION, subscription);
        frame.set(Messages.EVENT, WireJson.MAPPER.valueToTree(event));
        send(Frames.encode(frame));
    }

    private void respond(int id, JsonNode result) {
        ObjectNode frame = frame(Messages.RESPONSE);
        frame.put(Messages.ID, id);
        frame.set(Messages.RESULT, result == null ? NullNode.getInstance() : result);
        byte[] bytes;
        try {
            bytes = Frames.encode(frame);
        } catch (IllegalArgumentException tooLarge) {
            respond(id, new WireError(WireError.Kind.INTERNAL, tooLarge.getMessage(), null));
            return;
        }
        sendFromReader(bytes);
    }

    private void respond(int id, WireError error) {
        ObjectNode frame = frame(Messages.RESPONSE);
        frame.put(Messages.ID, id);
        frame.set(Messages.ERROR, error.toJson());
        sendFromReader(Frames.encode(frame));
    }

    private static byte[] helloOk(HostAttachment attachment) {
        ObjectNode frame = frame(Messages.HELLO_OK);
        frame.put(Messages.VERSION, Frames.PROTOCOL_VERSION);
        if (attachment != null) {
            frame.set(Messages.ATTACHMENT, WireJson.MAPPER.valueToTree(attachment));
        }
        return Frames.encode(frame);
    }

    private static byte[] cancelFrame(BackgroundTaskCancellationReason reason) {
        ObjectNode frame = frame(Messages.PUSH_CANCEL);
        frame.put(Messages.REASON, reason.name());
        return Frames.encode(frame);
    }

    private static ObjectNode frame(String type) {
        ObjectNode frame = WireJson.MAPPER.createObjectNode();
        frame.put(Messages.TYPE, type);
        return frame;
    }

    private void send(byte[] frame) {
        queued(outbox.offer(frame));
    }

    /** A response, from this connection's reader thread: written at once when nothing waits before it. */
    private void sendFromReader(byte[] frame) {
        queued(outbox.send(frame));
    }

    private void queued(boolean accepted) {
        if (!accepted && !closed.get() && !ending.get() && overflowed.compareAndSet(false, true)) {
            // A peer that does not read must not hold the broker: drop it, off this (possibly the broker's) thread.
            server.complain("connection {} does not read what the broker sends; disconnecting it", number);
            server.execute(this::close);
        }
    }

    /**
     * Sends what is queued and a last error frame (unless null), then closes once they are written, or after a
     * grace for a peer that never reads.
     */
    private void endWith(WireError error) {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        cancelHelloTimer();
        byte[] last = null;
        if (error != null) {
            ObjectNode frame = frame(Messages.FATAL);
            frame.set(Messages.ERROR, error.toJson());
            last = Frames.encode(frame);
        }
        if (outbox.finish(last)) {
            lingerTimer = server.schedule(BrokerServer.LINGER, this::close);
        } else {
            server.execute(this::close);
        }
    }

    private void cancelHelloTimer() {
        Future<?> timer = helloTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Idempotent, from any thread but the broker's own (it may wait for the broker's lock to detach a host). */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        cancelHelloTimer();
        Future<?> linger = lingerTimer;
        if (linger != null) {
            linger.cancel(false);
        }
        for (AutoCloseable subscription : List.copyOf(subscriptions.values())) {
            closeQuietly(subscription);
        }
        subscriptions.clear();
        if (role == Role.HOST) {
            server.hostDetached(runToken, this);
        }
        // The slot is free before the peer can see the end, so a peer that reconnects at once finds room.
        server.connectionClosed(this);
        outbox.stop();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("connection {}: closing failed: {}", number, e.toString());
        }
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
