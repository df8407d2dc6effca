package dev.bgtasks.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.broker.MemoryReport;
import dev.bgtasks.broker.StandbyAttachment;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Calls made meanwhile wait for the new connection, and the latest progress is sent again once it is up. That
 * state machine is {@link HostLink}'s; this class is the protocol spoken over it.
 * {@code onCancel} runs at most once, on the connection's reader thread, and must not block.
 *
 * <p>On the wire: {@code {"type":"hello","version":1,"role":"host","runToken":...}} is answered by
 * {@code {"type":"hello-ok","version":1,"attachment":{...}}}; then {@code progress} ({@code "progress":40}) and
 * {@code result} ({@code "errorClass"}, {@code "errorMessage"}, null for success) and {@code setResult}
 * ({@code "encoded"}: the result map, Base64, SPEC P2) are requests like an app's, and
 * the broker pushes {@code {"type":"cancel","reason":"ABORT"}}.
 *
 * <p>A standby host (SPEC W1, {@link #standBy}) says {@code "role":"standby"} with the token it was started with and
 * is answered {@code {"type":"hello-ok","standby":{"taskId":...,"entryPoint":...}}}; it waits for the push
 * {@code {"type":"take","attachment":{...},"resultFile":...}}, answers with the request {@code taken} before it runs
 * anything of the task (W3), and is from then on the instance's host like any other, a reconnection included.
 * A standby whose connection ends before the take ends too: it holds no instance, and no broker can use it.
 */
public final class HostConnection implements AutoCloseable {
    /**
     * {@link BrokerClient#DEFAULT_DEADLINE}'s value, kept here: reading that field would initialize the app client's
     * class, and with it SLF4J, in every task host (issue 15).
     */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Path socket;
    private final String runToken;
    private final Consumer<BackgroundTaskCancellationReason> onCancel;
    private final Duration deadline;
    private final AtomicBoolean cancelDelivered = new AtomicBoolean();
    private final HostLink link;
    private volatile HostAttachment attachment;
    /** Null for a host started for an instance; a standby's registration until it is taken. */
    private volatile StandbyAttachment standby;
    private volatile boolean standingBy;
    private final CompletableFuture<Take> take = new CompletableFuture<>();
    /** The {@code taken} request the reader sent as soon as it read the take; null when it could not. */
    private volatile HostLink.Sent takenSent;

    /**
     * What a standby host is handed (SPEC W1).
     *
     * @param attachment the instance it runs, as a cold-started host learns it at attach
     * @param resultFile where it leaves how its run ended (SPEC B5), or null for none
     */
    public record Take(HostAttachment attachment, String resultFile) {
    }

    private HostConnection(Path socket, String runToken, Consumer<BackgroundTaskCancellationReason> onCancel,
                           Duration deadline, Duration reconnectWindow) {
        this.socket = socket;
        this.runToken = runToken;
        this.onCancel = onCancel;
        this.deadline = deadline;
        this.link = new HostLink(socket, new HostLink.Attacher() {
            @Override
            public ClientChannel attach(Runnable onDropped) throws IOException {
                return open(onDropped);
            }

            @Override
            public void reattached() {
                Log.LOG.info("attached again to the broker at {} (re-adopted: {})", socket, attachment.readopted());
            }
        }, deadline, reconnectWindow);
    }

    /**
     * Connects and attaches with the run token.
     *
     * @throws IOException when no broker answers on {@code socketPath} within the reconnect window (60 s)
     * @throws IllegalArgumentException when the broker refuses the token: it belongs to no running instance
     */
    public static HostConnection attach(Path socketPath, String runToken,
                                        Consumer<BackgroundTaskCancellationReason> onCancel) throws IOException {
        return attach(socketPath, runToken, onCancel, DEADLINE, HostLink.RECONNECT_WINDOW);
    }

    static HostConnection attach(Path socketPath, String runToken,
                                 Consumer<BackgroundTaskCancellationReason> onCancel, Duration deadline,
                                 Duration reconnectWindow) throws IOException {
        Objects.requireNonNull(runToken, "runToken");
        Objects.requireNonNull(onCancel, "onCancel");
        HostConnection connection = new HostConnection(socketPath.toAbsolutePath(), runToken, onCancel, deadline,
                reconnectWindow);
        connection.link.connect();
        return connection;
    }

    /**
     * Connects as a standby task host with the token it was started with (SPEC W1); {@link #awaitTake()} then waits
     * for its instance.
     *
     * @throws IOException when no broker answers on {@code socketPath} within the reconnect window (60 s)
     * @throws IllegalArgumentException when the broker refuses the token: it belongs to no standby
     */
    public static HostConnection standBy(Path socketPath, String token,
                                         Consumer<BackgroundTaskCancellationReason> onCancel) throws IOException {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(onCancel, "onCancel");
        HostConnection connection = new HostConnection(socketPath.toAbsolutePath(), token, onCancel,
                BrokerClient.DEFAULT_DEADLINE, HostLink.RECONNECT_WINDOW);
        connection.standingBy = true;
        connection.link.connectOnce();
        return connection;
    }

    /** {@return the registration this standby waits for; null for a host started for an instance} */
    public StandbyAttachment standby() {
        return standby;
    }

    /**
     * Waits for the broker to hand this standby its instance, then tells it the instance is taken (SPEC W3).
     *
     * @return the instance and its result record
     * @throws IOException when the connection ends first: there will be no instance
     */
    public Take awaitTake() throws IOException {
        Take taken;
        try {
            taken = take.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while standing by", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
        confirmTaken();
        return taken;
    }

    /**
     * Runs what an attach, a progress report, a memory query and a result run (the frames, the codec, the socket
     * classes) without a broker. The task host's warm-up ({@code TaskHost --warm-up}) calls it, so the class-data
     * archive the broker trains from that run holds what a real start loads.
     *
     * @throws IOException when this JVM cannot open a Unix domain socket
     */
    public static void warmUp() throws IOException {
        ObjectNode hello = JsonTrees.object().put(Messages.TYPE, Messages.HELLO)
                .put(Messages.VERSION, Frames.PROTOCOL_VERSION).put(Messages.ROLE, Messages.ROLE_HOST)
                .put(Messages.RUN_TOKEN, "warm-up");
        Frames.read(Channels.newChannel(new ByteArrayInputStream(Frames.encode(hello))));
        UUID none = new UUID(0, 0);
        HostAttachment attachment = new HostAttachment(none, none, "warm.up", "warm-up", "warm.Up", new byte[0],
                false, null);
        ObjectNode reply = JsonTrees.object().put(Messages.TYPE, Messages.HELLO_OK);
        reply.set(Messages.ATTACHMENT, HostAttachments.tree(attachment));
        JsonNode echoed = Frames.read(Channels.newChannel(new ByteArrayInputStream(Frames.encode(reply))));
        HostAttachments.of(echoed.path(Messages.ATTACHMENT));
        WireJson.MAPPER.treeToValue(WireJson.MAPPER.valueToTree(new MemoryReport(0, 0, 0)), MemoryReport.class);
        Frames.encode(JsonTrees.object().put(Messages.PROGRESS, 0));
        Frames.encode(JsonTrees.object().put(Messages.ERROR_CLASS, (String) null)
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
        link.progress(value);
    }

    /**
     * Reports how {@code run} ended, just before the process exits (SPEC X3, X4).
     *
     * @param errorClass the exception class when {@code run} threw, else null
     * @param errorMessage its message, else null
     */
    public void result(String errorClass, String errorMessage) {
        result(errorClass, errorMessage, false);
    }

    /**
     * Reports how {@code run} ended, and whether the task asked for another attempt (SPEC P1).
     *
     * @param errorClass the exception class when {@code run} threw, else null
     * @param errorMessage its message, else null
     * @param retry the task asked for a retry; sent as {@code "retry":true} only then, so an older broker reads it
     */
    public void result(String errorClass, String errorMessage, boolean retry) {
        ObjectNode fields = JsonTrees.object().put(Messages.ERROR_CLASS, errorClass)
                .put(Messages.ERROR_MESSAGE, errorMessage);
        if (retry) {
            fields.put(Messages.RETRY, true);
        }
        link.call(Messages.HOST_RESULT, fields);
    }

    /**
     * Sets the instance's result map (SPEC P2), replacing one set before; returns once the broker has stored it.
     *
     * @param encoded the map as {@code ValueMapCodec.encode} wrote it
     * @throws IllegalArgumentException when the broker refuses it: over 64 KiB, not a value map, or a token that no
     *     longer runs an instance
     */
    public void setResult(byte[] encoded) {
        link.call(Messages.SET_RESULT, JsonTrees.object()
                .put(Messages.ENCODED, Base64.getEncoder().encodeToString(encoded)));
    }

    /** The task tree's memory and limit, as the broker's sandbox measures them (SPEC X11). */
    public MemoryReport memory() {
        JsonNode result = link.call(Messages.MEMORY, JsonTrees.object());
        try {
            return WireJson.MAPPER.treeToValue(result, MemoryReport.class);
        } catch (JsonProcessingException e) {
            throw new BrokerProtocolException("the broker answered memory with " + Messages.brief(result), e);
        }
    }

    /** Asks for a new memory limit for the task tree (SPEC X11); false when the broker refuses it. */
    public boolean trySetMemoryLimit(long bytes) {
        JsonNode result = link.call(Messages.SET_MEMORY_LIMIT,
                JsonTrees.object().put(Messages.BYTES, bytes));
        return result.asBoolean(false);
    }

    private ClientChannel open(Runnable onDropped) throws IOException {
        if (standingBy) {
            return openStandby(onDropped);
        }
        ObjectNode hello = JsonTrees.object().put(Messages.ROLE, Messages.ROLE_HOST)
                .put(Messages.RUN_TOKEN, runToken);
        ClientChannel opened = ClientChannel.open(socket, hello, deadline, new ClientChannel.Listener() {
            @Override
            public void pushed(ObjectNode frame) {
                onPush(frame);
            }

            @Override
            public void ended(boolean byUs) {
                if (!byUs) {
                    onDropped.run();
                }
            }
        });
        JsonNode attached = opened.helloReply().path(Messages.ATTACHMENT);
        try {
            attachment = HostAttachments.of(attached);
        } catch (IllegalArgumentException e) {
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

    /** SPEC W1: a standby's hello. Until its take, the end of its connection is the end of the standby. */
    private ClientChannel openStandby(Runnable onDropped) throws IOException {
        ObjectNode hello = JsonTrees.object().put(Messages.ROLE, Messages.ROLE_STANDBY)
                .put(Messages.RUN_TOKEN, runToken);
        ClientChannel opened = ClientChannel.open(socket, hello, deadline, new ClientChannel.Listener() {
            @Override
            public void pushed(ObjectNode frame) {
                onPush(frame);
            }

            @Override
            public void ended(boolean byUs) {
                boolean notTaken = take.completeExceptionally(new IOException("the broker at " + socket
                        + " ended the standby's connection before it handed it an instance"));
                if (!notTaken && !byUs) {
                    // Taken: this is the instance's line now, reconnected like a cold-started host's (SPEC B3).
                    onDropped.run();
                }
            }
        });
        try {
            standby = WireJson.MAPPER.treeToValue(opened.helloReply().path(Messages.STANDBY),
                    StandbyAttachment.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            standby = null;
        }
        if (standby == null) {
            opened.close();
            throw new BrokerProtocolException("the broker at " + socket + " took this standby without saying for"
                    + " what");
        }
        return opened;
    }

    /**
     * SPEC W3: waits for the broker to have heard {@code taken}, which the reader sent as it read the take (so the
     * round trip overlaps this thread's wake-up); sent here, with the link's reconnection, when that could not be.
     */
    private void confirmTaken() {
        HostLink.Sent sent = takenSent;
        if (sent != null) {
            try {
                sent.await(deadline);
                return;
            } catch (BrokerProtocolException e) {
                if (!sent.channelLost()) {
                    throw e;
                }
                // The connection dropped under it: ask again once the link is back, as any call does.
            }
        }
        link.call(Messages.TAKEN, JsonTrees.object());
    }

    /** SPEC W1: the instance; from now on a reconnection attaches as that instance's host (B3). */
    private void onTake(ObjectNode frame) {
        try {
            // Field by field, as a cold host reads its attachment: no mapper on the path from trigger to run.
            HostAttachment handed = HostAttachments.of(frame.path(Messages.ATTACHMENT));
            if (handed == null) {
                throw new IllegalArgumentException("no attachment");
            }
            JsonNode resultFile = frame.get(Messages.RESULT_FILE);
            attachment = handed;
            standingBy = false;
            try {
                takenSent = link.sendNow(Messages.TAKEN, JsonTrees.object());
            } catch (BrokerProtocolException e) {
                takenSent = null; // awaitTake asks again
            }
            take.complete(new Take(handed, resultFile == null || resultFile.isNull() ? null : resultFile.asText()));
        } catch (IllegalArgumentException e) {
            take.completeExceptionally(new BrokerProtocolException("the broker at " + socket
                    + " sent an unreadable take: " + e.getMessage(), e));
        }
    }

    private void onPush(ObjectNode frame) {
        if (Messages.PUSH_TAKE.equals(frame.path(Messages.TYPE).asText())) {
            onTake(frame);
            return;
        }
        if (!Messages.PUSH_CANCEL.equals(frame.path(Messages.TYPE).asText())) {
            Log.LOG.debug("ignoring a {} frame from {}", Messages.brief(frame.get(Messages.TYPE)), socket);
            return;
        }
        BackgroundTaskCancellationReason reason;
        try {
            reason = BackgroundTaskCancellationReason.valueOf(frame.path(Messages.REASON).asText());
        } catch (IllegalArgumentException e) {
            Log.LOG.warn("the broker at {} cancelled with an unknown reason {}; taking it as ABORT", socket,
                    Messages.brief(frame.get(Messages.REASON)));
            reason = BackgroundTaskCancellationReason.ABORT;
        }
        // A new broker repeats a cancellation when the host re-attaches; the task hears it once (SPEC X6).
        if (cancelDelivered.compareAndSet(false, true)) {
            onCancel.accept(reason);
        }
    }

    /** Closes the connection; a task that has not reported its result yet will be recorded by its exit. */
    @Override
    public void close() {
        link.close();
    }

    /** SLF4J starts with the first line logged, not with this class: a task host's start logs nothing (issue 15). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(HostConnection.class);
    }
}
