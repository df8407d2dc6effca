package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.arguments.JsonTrees;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's end of one connection: says hello, then matches responses to requests by id for any number of
 * calling threads, and hands pushed frames ({@code event}, {@code cancel}) to a listener on its reader thread, in
 * the order the broker sent them. A call waits at most its deadline; a dropped connection fails every waiting call
 * at once with a {@link BrokerProtocolException} naming the socket.
 */
final class ClientChannel implements BrokerCalls {
    /** Requests queued for writing before a call is refused: the broker is not reading. */
    static final int OUTBOX_FRAMES = 1024;
    /** The longest wait between two tries at a busy broker. */
    static final Duration MAX_BUSY_BACKOFF = Duration.ofSeconds(2);

    /** What the owner hears from the connection; called on its reader thread. */
    interface Listener {
        /** A frame the broker pushed. Must not block: it holds up every later frame of the connection. */
        void pushed(ObjectNode frame);

        /** The connection ended; {@code byUs} when {@link #close()} ended it. */
        default void ended(boolean byUs) {
        }
    }

    private final Path socket;
    private final SocketChannel channel;
    private final Listener listener;
    private final Outbox outbox;
    private final Thread reader;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<ObjectNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<ObjectNode> hello = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean closedByUs;
    private volatile String endReason;

    private ClientChannel(Path socket, SocketChannel channel, Listener listener) {
        this.socket = socket;
        this.channel = channel;
        this.listener = listener;
        this.outbox = new Outbox(channel, OUTBOX_FRAMES, "bgtasks-client-writer",
                failure -> end(failure == null ? "closed" : failure.toString()));
        this.reader = new Thread(this::readLoop, "bgtasks-client-reader " + socket);
        reader.setDaemon(true);
    }

    /**
     * Connects and says hello with {@code helloFields} (the role, a run token). A broker that answers
     * {@code busy} is asked again, after the wait it names and then backing off up to {@link #MAX_BUSY_BACKOFF},
     * until {@code deadline} has passed.
     *
     * @return the open channel; {@link #helloReply()} holds the broker's {@code hello-ok}
     * @throws BrokerBusyException when the broker was still busy at the deadline
     * @throws IOException when nothing answers on the socket, or the connection ends before the broker answers
     * @throws BrokerProtocolException when the broker does not answer within the deadline or speaks another
     *     protocol version
     * @throws RuntimeException the broker's refusal, as its type (a refused run token: IllegalArgumentException)
     */
    static ClientChannel open(Path socket, ObjectNode helloFields, Duration deadline, Listener listener)
            throws IOException {
        return openRetryingBusy(socket, deadline, left -> openOnce(socket, helloFields, left, listener));
    }

    /** One try at a connection and its hello, within what is left of the deadline. */
    interface Attempt<C> {
        C open(Duration left) throws IOException;
    }

    /**
     * Tries {@code attempt} until it connects: a broker that answers {@code busy} is asked again, after the wait it
     * names and then backing off up to {@link #MAX_BUSY_BACKOFF}, until {@code deadline} has passed. Shared by this
     * channel and the one-shot {@link DirectChannel}, so both wait for a busy broker alike.
     */
    static <C> C openRetryingBusy(Path socket, Duration deadline, Attempt<C> attempt) throws IOException {
        long start = System.nanoTime();
        long giveUp = start + deadline.toNanos();
        long backoff = 0;
        BrokerBusyException lastBusy = null;
        while (true) {
            try {
                return attempt.open(Duration.ofNanos(Math.max(1, giveUp - System.nanoTime())));
            } catch (BrokerProtocolException late) {
                // A retry after a busy answer that the deadline cut short: what the broker last said was busy.
                if (lastBusy != null && System.nanoTime() - giveUp >= 0) {
                    throw lastBusy.afterWaiting(Duration.ofNanos(System.nanoTime() - start));
                }
                throw late;
            } catch (BrokerBusyException busy) {
                lastBusy = busy;
                backoff = Math.min(MAX_BUSY_BACKOFF.toNanos(), Math.max(busy.retryAfter().toNanos(), 2 * backoff));
                // Up to half again as long, so a crowd told busy at once does not come back at once.
                long wait = backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
                long now = System.nanoTime();
                if (now + wait - giveUp >= 0) {
                    throw busy.afterWaiting(Duration.ofNanos(now - start));
                }
                Log.LOG.debug("{}; trying again in {} ms", busy.getMessage(), TimeUnit.NANOSECONDS.toMillis(wait));
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new BrokerProtocolException("interrupted while waiting for the busy broker at " + socket);
                }
            }
        }
    }

    private static ClientChannel openOnce(Path socket, ObjectNode helloFields, Duration deadline,
                                          Listener listener) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        ClientChannel client = new ClientChannel(socket, channel, listener);
        client.outbox.start();
        client.reader.start();
        try {
            client.awaitHello(helloFields, deadline);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void awaitHello(ObjectNode helloFields, Duration deadline) throws IOException {
        outbox.offer(Frames.encode(helloFrame(helloFields)));
        ObjectNode reply;
        try {
            reply = hello.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new BrokerProtocolException("the broker at " + socket + " did not answer hello within " + deadline);
        } catch (ExecutionException e) {
            throw new IOException("the broker at " + socket + " closed the connection before answering hello ("
                    + endReason + ")", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerProtocolException("interrupted while waiting for the broker at " + socket);
        }
        checkHello(socket, reply);
    }

    /** The first frame of a connection: {@code hello} with the protocol version and {@code helloFields}. */
    static ObjectNode helloFrame(ObjectNode helloFields) {
        ObjectNode frame = JsonTrees.object();
        frame.put(Messages.TYPE, Messages.HELLO);
        frame.put(Messages.VERSION, Frames.PROTOCOL_VERSION);
        frame.setAll(helloFields);
        return frame;
    }

    /**
     * Accepts the broker's answer to hello, or throws why not: its refusal as its own type, {@code busy} as a
     * {@link BrokerBusyException}, another protocol version as a {@link BrokerProtocolException}.
     */
    static void checkHello(Path socket, ObjectNode reply) throws BrokerBusyException {
        String type = reply.path(Messages.TYPE).asText();
        if (Messages.FATAL.equals(type)) {
            throw WireError.fromJson(reply.path(Messages.ERROR)).toException(socket);
        }
        if (Messages.BUSY.equals(type)) {
            throw new BrokerBusyException(socket, reply.path(Messages.LIMIT).asInt(-1),
                    reply.path(Messages.LIMIT_OF).asText("connections"),
                    Duration.ofMillis(Math.max(0, reply.path(Messages.RETRY_AFTER_MILLIS).asLong(0))), null);
        }
        int version = reply.path(Messages.VERSION).asInt(-1);
        if (version != Frames.PROTOCOL_VERSION) {
            throw new BrokerProtocolException("the broker at " + socket + " speaks protocol version " + version
                    + ", this client " + Frames.PROTOCOL_VERSION);
        }
    }

    /** A request frame: its type and id, then its fields. */
    static ObjectNode requestFrame(int id, String type, ObjectNode fields) {
        ObjectNode frame = JsonTrees.object();
        frame.put(Messages.TYPE, type);
        frame.put(Messages.ID, id);
        frame.setAll(fields);
        return frame;
    }

    /**
     * The result of a response: a {@code NullNode} or missing node for operations without one.
     *
     * @throws RuntimeException the broker's exception, as its own type
     */
    static JsonNode resultOf(Path socket, ObjectNode reply) {
        JsonNode error = reply.get(Messages.ERROR);
        if (error != null && !error.isNull()) {
            throw WireError.fromJson(error).toException(socket);
        }
        return reply.path(Messages.RESULT);
    }

    ObjectNode helloReply() {
        return hello.getNow(null);
    }

    @Override
    public Path socket() {
        return socket;
    }

    boolean isOpen() {
        return !ended.get();
    }

    /** A fresh request id: an app's subscription is named by the id of its subscribe request. */
    int nextId() {
        return ids.incrementAndGet();
    }

    /** {@link #call(int, String, ObjectNode, Duration)} with a fresh id. */
    @Override
    public JsonNode call(String type, ObjectNode fields, Duration deadline) {
        return call(nextId(), type, fields, deadline);
    }

    /**
     * Sends a request and waits for its answer.
     *
     * @return the result, a {@code NullNode} for operations without one
     * @throws BrokerProtocolException on a deadline passed, a lost connection, or a protocol or internal error
     * @throws RuntimeException the broker's exception, as its own type
     */
    JsonNode call(int id, String type, ObjectNode fields, Duration deadline) {
        return await(id, type, send(id, type, fields), deadline);
    }

    /**
     * Sends a request without waiting for its answer; {@link #await} waits for it. For a request the caller must not
     * wait to send, such as a standby's {@code taken}, sent by the reader thread as soon as the take is read.
     */
    CompletableFuture<ObjectNode> send(int id, String type, ObjectNode fields) {
        byte[] bytes = Frames.encode(requestFrame(id, type, fields));
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        // Registered before this check, so end() either sees the call or the call sees the end.
        if (ended.get()) {
            pending.remove(id);
            throw lost();
        }
        // On the caller's thread when nothing waits to be written: one thread hand-off less per call.
        if (!outbox.send(bytes)) {
            pending.remove(id);
            if (ended.get()) {
                throw lost();
            }
            throw new BrokerProtocolException(OUTBOX_FRAMES + " requests wait to be sent to the broker at "
                    + socket + "; it is not reading");
        }
        return answer;
    }

    /** Waits for the answer to a request {@link #send} sent. */
    JsonNode await(int id, String type, CompletableFuture<ObjectNode> answer, Duration deadline) {
        ObjectNode reply;
        try {
            reply = answer.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.remove(id);
            throw new BrokerProtocolException("the broker at " + socket + " did not answer " + type + " within "
                    + deadline);
        } catch (ExecutionException e) {
            throw lost();
        } catch (InterruptedException e) {
            pending.remove(id);
            Thread.currentThread().interrupt();
            throw new BrokerProtocolException("interrupted while waiting for the broker at " + socket);
        }
        return resultOf(socket, reply);
    }

    /** Built in the caller's thread, so its stack trace shows the call that failed. */
    private BrokerProtocolException lost() {
        return new BrokerProtocolException(closedByUs ? "the connection to the broker at " + socket + " is closed"
                : "lost the connection to the broker at " + socket + " (" + endReason + ")");
    }

    private void readLoop() {
        String reason = "the broker closed the connection";
        try {
            while (true) {
                ObjectNode frame = Frames.read(channel);
                if (frame == null) {
                    break;
                }
                dispatch(frame);
            }
        } catch (IOException e) {
            reason = e.toString();
        } catch (RuntimeException e) {
            Log.LOG.warn("the connection to the broker at {} failed", socket, e);
            reason = e.toString();
        } finally {
            end(reason);
        }
    }

    private void dispatch(ObjectNode frame) {
        String type = frame.path(Messages.TYPE).asText("");
        switch (type) {
            case Messages.RESPONSE -> {
                CompletableFuture<ObjectNode> answer = pending.remove(frame.path(Messages.ID).asInt(-1));
                if (answer != null) {
                    answer.complete(frame);
                } else {
                    Log.LOG.debug("an answer from {} came after its call gave up: {}", socket, frame.get(Messages.ID));
                }
            }
            case Messages.HELLO_OK, Messages.BUSY -> hello.complete(frame);
            case Messages.FATAL -> {
                if (!hello.complete(frame)) {
                    Log.LOG.warn("the broker at {} ends the connection: {}", socket,
                            frame.path(Messages.ERROR).path("message").asText());
                }
            }
            default -> {
                try {
                    listener.pushed(frame);
                } catch (RuntimeException e) {
                    Log.LOG.warn("handling a {} frame from {} failed", Messages.brief(type), socket, e);
                }
            }
        }
    }

    private void end(String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        endReason = reason;
        outbox.stop();
        try {
            channel.close();
        } catch (IOException e) {
            Log.LOG.debug("closing the connection to {} failed: {}", socket, e.toString());
        }
        BrokerProtocolException failure = lost();
        hello.completeExceptionally(failure);
        for (Integer id : List.copyOf(pending.keySet())) {
            CompletableFuture<ObjectNode> answer = pending.remove(id);
            if (answer != null) {
                answer.completeExceptionally(failure);
            }
        }
        if (!closedByUs) {
            Log.LOG.debug("lost the connection to the broker at {}: {}", socket, reason);
        }
        try {
            listener.ended(closedByUs);
        } catch (RuntimeException e) {
            Log.LOG.warn("the listener of the connection to {} failed", socket, e);
        }
    }

    @Override
    public void close() {
        closedByUs = true;
        end("closed by this client");
    }

    /** SLF4J starts with the first line logged, not with this class: a task host's start logs nothing (issue 15). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ClientChannel.class);
    }
}
