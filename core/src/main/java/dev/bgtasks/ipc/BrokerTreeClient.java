package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.broker.TriggerRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The broker's read-only requests (and {@code requestTrigger}) with their results as the JSON trees that came off
 * the wire, for a client that only prints them: the {@code bgtask} command. It builds no typed mapper (the wire's
 * {@code WireJson}, with its Java time module, mix-ins and bean introspection, was about 50 ms of each
 * {@code bgtask} call; issue 18); frames are read and written with {@link JsonTrees}' streaming codec, as the task
 * host does. The trees have the shape {@link BrokerClient} decodes: a record's fields in its component order,
 * times as ISO-8601 text, {@code byte[]} as base64.
 *
 * <pre>{@code
 * try (BrokerTreeClient broker = BrokerTreeClient.connect(BrokerLocation.forCurrentUser().socket())) {
 *     JsonNode runs = broker.instances("com.example.notes");   // an array of InstanceInfo objects
 * }
 * }</pre>
 *
 * <p>Errors are {@link BrokerClient}'s: a broker exception comes back as its own type, a lost connection or a
 * passed deadline as a {@link BrokerProtocolException} naming the socket. Of the subscriptions, only the signals'
 * ({@code bgtask signals --watch}). {@link #connectOneShot} makes a client without threads for a call that asks and
 * exits.
 */
public final class BrokerTreeClient implements AutoCloseable {
    /**
     * {@link BrokerClient#DEFAULT_DEADLINE}'s value, kept here: reading that field would initialise the app client,
     * its logger and its typed mapper, about 60 ms of a {@code bgtask doctor} (issue 18).
     */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

    private final BrokerCalls calls;
    /** The threaded channel of a client that may subscribe; null for a one-shot client. */
    private final ClientChannel channel;
    private final Duration deadline;
    private final Map<Integer, Consumer<JsonNode>> listeners;

    /** A subscription's handle; closing it unsubscribes. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private BrokerTreeClient(BrokerCalls calls, ClientChannel channel, Duration deadline,
                             Map<Integer, Consumer<JsonNode>> listeners) {
        this.calls = calls;
        this.channel = channel;
        this.deadline = deadline;
        this.listeners = listeners;
    }

    /**
     * Connects to the broker at {@code socketPath} as an app, with {@link #DEFAULT_DEADLINE}.
     *
     * @param socketPath the broker's socket
     * @return the connected client
     * @throws IOException when nothing answers there
     * @throws BrokerProtocolException when the broker speaks another protocol version or does not answer
     */
    public static BrokerTreeClient connect(Path socketPath) throws IOException {
        return connect(socketPath, DEFAULT_DEADLINE);
    }

    /**
     * Like {@link #connect(Path)}, with the deadline of every call.
     *
     * @param socketPath the broker's socket
     * @param deadline how long the hello and each call may take
     * @return the connected client
     * @throws IOException when nothing answers there
     */
    public static BrokerTreeClient connect(Path socketPath, Duration deadline) throws IOException {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(deadline, "deadline");
        ObjectNode hello = JsonTrees.object().put(Messages.ROLE, Messages.ROLE_APP);
        Map<Integer, Consumer<JsonNode>> listeners = new ConcurrentHashMap<>();
        ClientChannel channel = ClientChannel.open(socketPath.toAbsolutePath(), hello, deadline,
                new ClientChannel.Listener() {
                    @Override
                    public void pushed(ObjectNode frame) {
                        Consumer<JsonNode> listener = listeners.get(frame.path(Messages.SUBSCRIPTION).asInt(-1));
                        if (listener != null && Messages.PUSH_SIGNALS.equals(frame.path(Messages.TYPE).asText())) {
                            listener.accept(frame.path(Messages.PUSH_SIGNALS));
                        }
                    }

                    @Override
                    public void ended(boolean byUs) {
                        listeners.values().forEach(listener -> listener.accept(MissingNode.getInstance()));
                    }
                });
        return new BrokerTreeClient(channel, channel, deadline, listeners);
    }

    /**
     * Like {@link #connect(Path, Duration)}, for a call that asks a question or two and exits (a {@code bgtask}
     * call, issue 18): the hello and every call are written and read on the calling thread, with no reader or
     * writer thread, and closing only closes the socket. The same requests, answers and failures; it cannot
     * {@linkplain #subscribeSignals subscribe}, and a call that passes its deadline ends the connection.
     *
     * @param socketPath the broker's socket
     * @param deadline how long the hello and each call may take
     * @return the connected client
     * @throws IOException when nothing answers there
     */
    public static BrokerTreeClient connectOneShot(Path socketPath, Duration deadline) throws IOException {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(deadline, "deadline");
        DirectChannel direct = DirectChannel.open(socketPath.toAbsolutePath(),
                JsonTrees.object().put(Messages.ROLE, Messages.ROLE_APP), deadline);
        return new BrokerTreeClient(direct, null, deadline, Map.of());
    }

    /**
     * {@code subscribeSignals}: the broker pushes its signals each time they change, until the handle is closed.
     * The listener runs on the client's reader thread and must not block; when the connection ends it gets a
     * missing node.
     *
     * @param listener called with each new {@code SignalSnapshot} object
     * @return the handle that unsubscribes
     */
    public Subscription subscribeSignals(Consumer<JsonNode> listener) {
        Objects.requireNonNull(listener, "listener");
        if (channel == null) {
            throw new IllegalStateException("a one-shot client cannot subscribe: connect with BrokerTreeClient.connect");
        }
        int id = channel.nextId();
        // Listening before asking: the broker may push before its answer arrives.
        listeners.put(id, listener);
        try {
            channel.call(id, Messages.SUBSCRIBE_SIGNALS, JsonTrees.object(), deadline);
        } catch (RuntimeException e) {
            listeners.remove(id);
            throw e;
        }
        return () -> {
            if (listeners.remove(id) != null && channel.isOpen()) {
                try {
                    channel.call(Messages.UNSUBSCRIBE, JsonTrees.object().put(Messages.SUBSCRIPTION, id), deadline);
                } catch (BrokerProtocolException e) {
                    if (channel.isOpen()) {
                        throw e;
                    }
                }
            }
        };
    }

    /** {@return the socket this client is connected to} */
    public Path socket() {
        return calls.socket();
    }

    /**
     * {@code instances}: an app's instances, newest first.
     *
     * @param appId the app
     * @return an array of {@code InstanceInfo} objects
     */
    public JsonNode instances(String appId) {
        return call("instances", app(appId));
    }

    /**
     * {@code registrations}: an app's registered tasks.
     *
     * @param appId the app
     * @return an array of {@code RegistrationInfo} objects
     */
    public JsonNode registrations(String appId) {
        return call("registrations", app(appId));
    }

    /**
     * {@code signals}: what the broker decides with.
     *
     * @return a {@code SignalSnapshot} object: {@code known} (signal name to boolean) and {@code hardware}
     */
    public JsonNode signals() {
        return call("signals", JsonTrees.object());
    }

    /**
     * {@code accessStatus}.
     *
     * @param appId the app
     * @return the {@code BackgroundAccessStatus} name, as text
     */
    public JsonNode accessStatus(String appId) {
        return call("accessStatus", app(appId));
    }

    /**
     * {@code describePlatform}.
     *
     * @return the description, as text
     */
    public JsonNode describePlatform() {
        return call("describePlatform", JsonTrees.object());
    }

    /**
     * {@code requestTrigger}: the request written field by field as the typed mapper writes it
     * ({@code BrokerTreeClientTest} holds them equal), the response read field by field.
     *
     * @param request the request
     * @return the broker's answer
     * @throws BrokerProtocolException when the answer is not a trigger response
     */
    public TriggerResponse requestTrigger(TriggerRequest request) {
        JsonNode result = call("requestTrigger", JsonTrees.object().set(Messages.REQUEST, tree(request)));
        JsonNode verdict = result.get("result");
        JsonNode instance = result.get("instanceId");
        try {
            return new TriggerResponse(ApplicationTriggerResult.valueOf(verdict.textValue()),
                    instance == null || instance.isNull() ? null : UUID.fromString(instance.textValue()));
        } catch (RuntimeException e) {
            throw new BrokerProtocolException("the broker at " + socket()
                    + " sent an unreadable answer to requestTrigger: " + Messages.brief(result), e);
        }
    }

    /** The tree the typed mapper writes for {@code request}: its components in order. */
    static ObjectNode tree(TriggerRequest request) {
        ObjectNode node = JsonTrees.object();
        node.put("appId", request.appId());
        node.put("triggerName", request.triggerName());
        node.put("arguments", request.arguments());
        node.put("callerRunToken", request.callerRunToken());
        node.put("ifRunning", request.ifRunning().name());
        node.put("debugPort", request.debugPort());
        return node;
    }

    /** Closes the connection. */
    @Override
    public void close() {
        calls.close();
    }

    private static ObjectNode app(String appId) {
        return JsonTrees.object().put(Messages.APP_ID, appId);
    }

    private JsonNode call(String type, ObjectNode fields) {
        JsonNode result = calls.call(type, fields, deadline);
        if (result == null || result.isMissingNode() || result.isNull()) {
            throw new BrokerProtocolException("the broker at " + socket() + " answered " + type
                    + " without a result");
        }
        return result;
    }
}
