package dev.bgtasks.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.broker.MemoryReport;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task process's line to the broker, bound to its run token (SPEC S2): it learns which instance it runs,
 * reports progress and the result, and hears cancellations.
 *
 * <pre>{@code
 * try (HostConnection broker = HostConnection.attach(socket, token, runner::cancel)) {
 *     HostAttachment a = broker.attachment();
 *     broker.progress(50);
 *     broker.result(null, null);   // success
 * }
 * }</pre>
 *
 * <p>If the broker dies the task keeps running (SPEC B3): the connection reconnects in the background, backing off
 * from 50 ms to 1 s, for up to 60 s, and attaches again with the same token; the new broker re-adopts the task.
 * Calls made meanwhile wait for the new connection, and the latest progress is sent again once it is up.
 * {@code onCancel} runs at most once, on the connection's reader thread, and must not block.
 *
 * <p>On the wire: {@code {"type":"hello","version":1,"role":"host","runToken":...}} is answered by
 * {@code {"type":"hello-ok","version":1,"attachment":{...}}}; then {@code progress} ({@code "progress":40}) and
 * {@code result} ({@code "errorClass"}, {@code "errorMessage"}, null for success) are requests like an app's, and
 * the broker pushes {@code {"type":"cancel","reason":"ABORT"}}.
 */
public final class HostConnection implements AutoCloseable {
    static final Duration RECONNECT_WINDOW = Duration.ofSeconds(60);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(HostConnection.class);

    private final Path socket;
    private final String runToken;
    private final Consumer<BackgroundTaskCancellationReason> onCancel;
    private final Duration deadline;
    private final Duration reconnectWindow;
    private final AtomicBoolean cancelDelivered = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    // Guarded by lock.
    private ClientChannel channel;
    private int generation;
    private Integer resentProgress;
    private Integer latestProgress;
    private boolean reconnecting;
    private RuntimeException failure;
    private boolean closed;
    private volatile HostAttachment attachment;

    private HostConnection(Path socket, String runToken, Consumer<BackgroundTaskCancellationReason> onCancel,
                           Duration deadline, Duration reconnectWindow) {
        this.socket = socket;
        this.runToken = runToken;
        this.onCancel = onCancel;
        this.deadline = deadline;
        this.reconnectWindow = reconnectWindow;
    }

    /**
     * Connects and attaches with the run token.
     *
     * @throws IOException when no broker answers on {@code socketPath} within the reconnect window (60 s)
     * @throws IllegalArgumentException when the broker refuses the token: it belongs to no running instance
     */
    public static HostConnection attach(Path socketPath, String runToken,
                                        Consumer<BackgroundTaskCancellationReason> onCancel) throws IOException {
        return attach(socketPath, runToken, onCancel, BrokerClient.DEFAULT_DEADLINE, RECONNECT_WINDOW);
    }

    static HostConnection attach(Path socketPath, String runToken,
                                 Consumer<BackgroundTaskCancellationReason> onCancel, Duration deadline,
                                 Duration reconnectWindow) throws IOException {
        Objects.requireNonNull(runToken, "runToken");
        Objects.requireNonNull(onCancel, "onCancel");
        HostConnection connection = new HostConnection(socketPath.toAbsolutePath(), runToken, onCancel, deadline,
                reconnectWindow);
        ClientChannel first = connection.openFirst();
        connection.lock.lock();
        try {
            connection.channel = first;
        } finally {
            connection.lock.unlock();
        }
        if (!first.isOpen()) {
            connection.dropped(first);
        }
        return connection;
    }

    /**
     * The first connection, retried like a reconnection: the broker that started this host may have died before
     * the host got here, and the next broker re-adopts the task only if the host attaches within its window.
     */
    private ClientChannel openFirst() throws IOException {
        long giveUp = System.nanoTime() + reconnectWindow.toNanos();
        long backoff = FIRST_BACKOFF.toNanos();
        while (true) {
            try {
                return open();
            } catch (IOException e) {
                long left = giveUp - System.nanoTime();
                if (left <= 0) {
                    throw e;
                }
                LOG.warn("no broker answers at {} ({}); trying again for up to {} s", socket, e.getMessage(),
                        TimeUnit.NANOSECONDS.toSeconds(left));
                LockSupport.parkNanos(Math.min(backoff, left));
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
            }
        }
    }

    /**
     * Runs what an attach, a progress report, a memory query and a result run (the frames, the codec, the socket
     * classes) without a broker. The task host's warm-up ({@code TaskHost --warm-up}) calls it, so the class-data
     * archive the broker trains from that run holds what a real start loads.
     *
     * @throws IOException when this JVM cannot open a Unix domain socket
     */
    public static void warmUp() throws IOException {
        ObjectNode hello = WireJson.MAPPER.createObjectNode().put(Messages.TYPE, Messages.HELLO)
                .put(Messages.VERSION, Frames.PROTOCOL_VERSION).put(Messages.ROLE, Messages.ROLE_HOST)
                .put(Messages.RUN_TOKEN, "warm-up");
        Frames.read(Channels.newChannel(new ByteArrayInputStream(Frames.encode(hello))));
        UUID none = new UUID(0, 0);
        HostAttachment attachment = new HostAttachment(none, none, "warm.up", "warm-up", "warm.Up", new byte[0],
                false, null);
        ObjectNode reply = WireJson.MAPPER.createObjectNode().put(Messages.TYPE, Messages.HELLO_OK);
        reply.set(Messages.ATTACHMENT, WireJson.MAPPER.valueToTree(attachment));
        JsonNode echoed = Frames.read(Channels.newChannel(new ByteArrayInputStream(Frames.encode(reply))));
        WireJson.MAPPER.treeToValue(echoed.path(Messages.ATTACHMENT), HostAttachment.class);
        WireJson.MAPPER.treeToValue(WireJson.MAPPER.valueToTree(new MemoryReport(0, 0, 0)), MemoryReport.class);
        Frames.encode(WireJson.MAPPER.createObjectNode().put(Messages.PROGRESS, 0));
        Frames.encode(WireJson.MAPPER.createObjectNode().put(Messages.ERROR_CLASS, (String) null)
                .put(Messages.ERROR_MESSAGE, (String) null));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            UnixDomainSocketAddress.of(Path.of("warm-up.sock"));
        }
    }

    /** What the broker said at the latest attach; {@code readopted()} once a new broker took the task back. */
    public HostAttachment attachment() {
        return attachment;
    }

    /**
     * Reports progress, 0 to 100 (SPEC X2); returns once the broker has stored it.
     *
     * @throws IllegalArgumentException for a value out of range, or a token that no longer runs an instance
     * @throws BrokerProtocolException when the broker is gone and did not come back within the reconnect window
     */
    public void progress(int value) {
        int startGeneration;
        Integer previous;
        lock.lock();
        try {
            previous = latestProgress;
            latestProgress = value;
            startGeneration = generation;
        } finally {
            lock.unlock();
        }
        ObjectNode fields = WireJson.MAPPER.createObjectNode().put(Messages.PROGRESS, value);
        try {
            call(Messages.PROGRESS, fields, startGeneration, value);
        } catch (IllegalArgumentException | IllegalStateException refused) {
            // A value the broker refused is not the task's progress: never send it again after a reconnect.
            lock.lock();
            try {
                if (Integer.valueOf(value).equals(latestProgress)) {
                    latestProgress = previous;
                }
            } finally {
                lock.unlock();
            }
            throw refused;
        }
    }

    /**
     * Reports how {@code run} ended, just before the process exits (SPEC X3, X4).
     *
     * @param errorClass the exception class when {@code run} threw, else null
     * @param errorMessage its message, else null
     */
    public void result(String errorClass, String errorMessage) {
        ObjectNode fields = WireJson.MAPPER.createObjectNode().put(Messages.ERROR_CLASS, errorClass)
                .put(Messages.ERROR_MESSAGE, errorMessage);
        call(Messages.HOST_RESULT, fields, -1, null);
    }

    /** The task tree's memory and limit, as the broker's sandbox measures them (SPEC X11). */
    public MemoryReport memory() {
        JsonNode result = call(Messages.MEMORY, WireJson.MAPPER.createObjectNode(), -1, null);
        try {
            return WireJson.MAPPER.treeToValue(result, MemoryReport.class);
        } catch (JsonProcessingException e) {
            throw new BrokerProtocolException("the broker answered memory with " + Messages.brief(result), e);
        }
    }

    /** Asks for a new memory limit for the task tree (SPEC X11); false when the broker refuses it. */
    public boolean trySetMemoryLimit(long bytes) {
        JsonNode result = call(Messages.SET_MEMORY_LIMIT,
                WireJson.MAPPER.createObjectNode().put(Messages.BYTES, bytes), -1, null);
        return result.asBoolean(false);
    }

    private JsonNode call(String type, ObjectNode fields, int startGeneration, Integer progress) {
        long giveUp = System.nanoTime() + reconnectWindow.toNanos() + deadline.toNanos();
        while (true) {
            ClientChannel current;
            lock.lock();
            try {
                current = awaitChannel(giveUp);
                if (progress != null && generation != startGeneration && progress.equals(resentProgress)) {
                    // The reconnection already sent this value to the new broker.
                    return NullNode.getInstance();
                }
            } finally {
                lock.unlock();
            }
            try {
                return current.call(type, fields, deadline);
            } catch (BrokerProtocolException e) {
                if (current.isOpen()) {
                    throw e;
                }
                // The connection dropped under the call: wait for the next one and send again.
                dropped(current);
            }
        }
    }

    private ClientChannel awaitChannel(long giveUp) {
        while (true) {
            if (closed) {
                throw new IllegalStateException("the connection of this task host to the broker at " + socket
                        + " is closed");
            }
            if (failure != null) {
                // A fresh exception per call, so its stack shows the caller; the reconnection's is the cause.
                throw failure instanceof IllegalArgumentException
                        ? new IllegalArgumentException(failure.getMessage(), failure)
                        : new BrokerProtocolException(failure.getMessage(), failure);
            }
            if (channel != null && channel.isOpen()) {
                return channel;
            }
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                throw new BrokerProtocolException("no connection to the broker at " + socket + " within "
                        + reconnectWindow.plus(deadline));
            }
            try {
                changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BrokerProtocolException("interrupted while waiting for the broker at " + socket);
            }
        }
    }

    private ClientChannel open() throws IOException {
        ObjectNode hello = WireJson.MAPPER.createObjectNode().put(Messages.ROLE, Messages.ROLE_HOST)
                .put(Messages.RUN_TOKEN, runToken);
        ClientChannel opened = ClientChannel.open(socket, hello, deadline, new ClientChannel.Listener() {
            @Override
            public void pushed(ObjectNode frame) {
                onPush(frame);
            }

            @Override
            public void ended(boolean byUs) {
                if (!byUs) {
                    droppedSoon();
                }
            }
        });
        JsonNode attached = opened.helloReply().path(Messages.ATTACHMENT);
        try {
            attachment = WireJson.MAPPER.treeToValue(attached, HostAttachment.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            opened.close();
            throw new BrokerProtocolException("the broker at " + socket + " sent an unreadable attachment: "
                    + e.getMessage(), e);
        }
        if (attachment == null) {
            opened.close();
            throw new BrokerProtocolException("the broker at " + socket + " attached this host without saying how");
        }
        return opened;
    }

    private void onPush(ObjectNode frame) {
        if (!Messages.PUSH_CANCEL.equals(frame.path(Messages.TYPE).asText())) {
            LOG.debug("ignoring a {} frame from {}", Messages.brief(frame.get(Messages.TYPE)), socket);
            return;
        }
        BackgroundTaskCancellationReason reason;
        try {
            reason = BackgroundTaskCancellationReason.valueOf(frame.path(Messages.REASON).asText());
        } catch (IllegalArgumentException e) {
            LOG.warn("the broker at {} cancelled with an unknown reason {}; taking it as ABORT", socket,
                    Messages.brief(frame.get(Messages.REASON)));
            reason = BackgroundTaskCancellationReason.ABORT;
        }
        // A new broker repeats a cancellation when the host re-attaches; the task hears it once (SPEC X6).
        if (cancelDelivered.compareAndSet(false, true)) {
            onCancel.accept(reason);
        }
    }

    /** From a channel's reader or writer thread: whichever channel it was, the current one is checked. */
    private void droppedSoon() {
        lock.lock();
        try {
            if (channel != null && !channel.isOpen()) {
                startReconnecting();
            }
        } finally {
            lock.unlock();
        }
    }

    private void dropped(ClientChannel lost) {
        lock.lock();
        try {
            if (channel == lost) {
                startReconnecting();
            }
        } finally {
            lock.unlock();
        }
    }

    // Holding lock.
    private void startReconnecting() {
        channel = null;
        if (closed || reconnecting || failure != null) {
            return;
        }
        reconnecting = true;
        LOG.warn("lost the broker at {}; reconnecting for up to {}", socket, reconnectWindow);
        Thread thread = new Thread(this::reconnect, "bgtasks-host-reconnect");
        thread.setDaemon(true);
        thread.start();
    }

    private void reconnect() {
        long until = System.nanoTime() + reconnectWindow.toNanos();
        long backoff = FIRST_BACKOFF.toNanos();
        String lastProblem = "no attempt yet";
        while (true) {
            try {
                if (tryReattach()) {
                    return;
                }
            } catch (IOException | BrokerProtocolException | IllegalStateException e) {
                // Nothing listens yet, or a broker that is still starting or stopping.
                lastProblem = e.getMessage();
                LOG.debug("reconnecting to {}: {}", socket, lastProblem);
            } catch (RuntimeException e) {
                LOG.error("the broker at {} refused this task host on reconnect: {}", socket, e.getMessage());
                giveUp(e);
                return;
            }
            long left = until - System.nanoTime();
            if (left <= 0) {
                giveUp(new BrokerProtocolException("lost the broker at " + socket + " and could not reconnect within "
                        + reconnectWindow + " (" + lastProblem + ")"));
                return;
            }
            lock.lock();
            try {
                if (closed) {
                    reconnecting = false;
                    return;
                }
                changed.awaitNanos(Math.min(backoff, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveUp(new BrokerProtocolException("interrupted while reconnecting to the broker at " + socket));
                return;
            } finally {
                lock.unlock();
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
        }
    }

    /** One attempt: attach, send the latest progress again, then publish the channel. */
    private boolean tryReattach() throws IOException {
        ClientChannel fresh = open();
        Integer resend;
        lock.lock();
        try {
            resend = latestProgress;
        } finally {
            lock.unlock();
        }
        boolean resent = false;
        if (resend != null) {
            try {
                fresh.call(Messages.PROGRESS, WireJson.MAPPER.createObjectNode().put(Messages.PROGRESS, resend),
                        deadline);
                resent = true;
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.warn("the broker at {} did not take the latest progress again: {}", socket, e.getMessage());
            } catch (BrokerProtocolException e) {
                fresh.close();
                throw e;
            }
        }
        lock.lock();
        try {
            if (closed) {
                fresh.close();
                reconnecting = false;
                return true;
            }
            if (!fresh.isOpen()) {
                return false;
            }
            channel = fresh;
            generation++;
            resentProgress = resent ? resend : null;
            reconnecting = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("attached again to the broker at {} (re-adopted: {})", socket, attachment.readopted());
        return true;
    }

    private void giveUp(RuntimeException why) {
        lock.lock();
        try {
            failure = why;
            reconnecting = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the connection; a task that has not reported its result yet will be recorded by its exit. */
    @Override
    public void close() {
        ClientChannel current;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            current = channel;
            channel = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.close();
        }
    }
}
