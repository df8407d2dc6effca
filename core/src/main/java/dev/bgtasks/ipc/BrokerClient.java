package dev.bgtasks.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.BrokerOperations;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's operations over its socket: what an app (or the {@code bgtask} command) uses when the broker runs in
 * its own process. Same methods, same results, same exceptions as the in-process {@code Broker}: an
 * {@code InvalidRegistrationException} keeps its field and message, an {@code IllegalStateException} stays one.
 *
 * <pre>{@code
 * try (BrokerClient broker = BrokerClient.connect(BrokerLocation.forCurrentUser().socket())) {
 *     broker.requestAccess("com.example.notes");
 *     TriggerResponse r = broker.requestTrigger(new TriggerRequest("com.example.notes", "", args, null));
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may call at once; answers are matched to calls by request id. Each call
 * waits at most the deadline (30 s by default), then throws a {@link BrokerProtocolException} naming the socket,
 * as does every call once the connection is lost; a lost connection is not re-established (connect a new client).
 * Listeners of {@link #subscribe} run on the client's reader thread, in the order the broker sent the events, and
 * must not block.
 *
 * <p>On the wire each method is a request of the same name, {@code {"type":"register","id":7,"appId":...,
 * "definition":{...}}}, answered by {@code {"type":"response","id":7,"result":...}} or
 * {@code {"type":"response","id":7,"error":{"kind":...,"message":...,"field":...}}}. A subscription is named by
 * the id of its {@code subscribe} request; events arrive as {@code {"type":"event","subscription":7,
 * "event":{"type":"progress",...}}}.
 */
public final class BrokerClient implements BrokerOperations, AutoCloseable {
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);
    private static final JavaType REGISTRATIONS = listOf(RegistrationInfo.class);
    private static final JavaType INSTANCES = listOf(InstanceInfo.class);

    private final ClientChannel channel;
    private final Duration deadline;
    private final Map<Integer, Consumer<ObjectNode>> listeners;

    private BrokerClient(ClientChannel channel, Duration deadline, Map<Integer, Consumer<ObjectNode>> listeners) {
        this.channel = channel;
        this.deadline = deadline;
        this.listeners = listeners;
    }

    /**
     * Connects to the broker at {@code socketPath} as an app.
     *
     * @throws IOException when nothing answers there
     * @throws BrokerProtocolException when the broker speaks another protocol version or does not answer
     */
    public static BrokerClient connect(Path socketPath) throws IOException {
        return connect(socketPath, DEFAULT_DEADLINE);
    }

    /** Like {@link #connect(Path)}, with the deadline of every call. */
    public static BrokerClient connect(Path socketPath, Duration deadline) throws IOException {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(deadline, "deadline");
        Map<Integer, Consumer<ObjectNode>> listeners = new ConcurrentHashMap<>();
        ObjectNode hello = WireJson.MAPPER.createObjectNode().put(Messages.ROLE, Messages.ROLE_APP);
        ClientChannel channel = ClientChannel.open(socketPath.toAbsolutePath(), hello, deadline,
                frame -> deliver(listeners, frame, socketPath));
        return new BrokerClient(channel, deadline, listeners);
    }

    private static void deliver(Map<Integer, Consumer<ObjectNode>> listeners, ObjectNode frame, Path socket) {
        String type = frame.path(Messages.TYPE).asText();
        if (!Messages.PUSH_EVENT.equals(type) && !Messages.PUSH_SIGNALS.equals(type)) {
            LOG.debug("ignoring a {} frame from {}", Messages.brief(frame.get(Messages.TYPE)), socket);
            return;
        }
        Consumer<ObjectNode> listener = listeners.get(frame.path(Messages.SUBSCRIPTION).asInt(-1));
        if (listener == null) {
            // Sent before our unsubscribe reached the broker.
            return;
        }
        listener.accept(frame);
    }

    /** A pushed frame's {@code field}, decoded, to {@code listener}; an unreadable one is logged and dropped. */
    private <T> Consumer<ObjectNode> decoding(String field, Class<T> type, Consumer<T> listener) {
        return frame -> {
            T value;
            try {
                value = WireJson.MAPPER.treeToValue(frame.get(field), type);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                LOG.warn("an unreadable {} from {}: {}", field, socket(), e.getMessage());
                return;
            }
            listener.accept(value);
        };
    }

    public Path socket() {
        return channel.socket();
    }

    /** False once the connection is closed or lost; every call then fails. */
    public boolean isConnected() {
        return channel.isOpen();
    }

    @Override
    public BackgroundAccessStatus requestAccess(String appId) {
        return call("requestAccess", app(appId), BackgroundAccessStatus.class);
    }

    @Override
    public BackgroundAccessStatus accessStatus(String appId) {
        return call("accessStatus", app(appId), BackgroundAccessStatus.class);
    }

    @Override
    public void removeAccess(String appId) {
        call("removeAccess", app(appId));
    }

    @Override
    public void setUserAccess(String appId, UserAccessSetting setting) {
        Objects.requireNonNull(setting, "setting");
        call("setUserAccess", app(appId).set(Messages.SETTING, tree(setting)));
    }

    @Override
    public void clearUserAccess(String appId) {
        call("clearUserAccess", app(appId));
    }

    @Override
    public RegistrationInfo register(String appId, TaskDefinition definition) {
        Objects.requireNonNull(definition, "definition");
        return call("register", app(appId).set(Messages.DEFINITION, tree(definition)), RegistrationInfo.class);
    }

    @Override
    public List<RegistrationInfo> registrations(String appId) {
        return List.copyOf(this.<List<RegistrationInfo>>call("registrations", app(appId), REGISTRATIONS));
    }

    @Override
    public boolean unregister(String appId, UUID taskId, boolean cancelTask) {
        ObjectNode fields = app(appId).put(Messages.TASK_ID, text(taskId, "taskId"))
                .put(Messages.CANCEL_TASK, cancelTask);
        return call("unregister", fields, Boolean.class);
    }

    @Override
    public TriggerResponse requestTrigger(TriggerRequest request) {
        Objects.requireNonNull(request, "request");
        ObjectNode fields = WireJson.MAPPER.createObjectNode().set(Messages.REQUEST, tree(request));
        return call("requestTrigger", fields, TriggerResponse.class);
    }

    @Override
    public List<InstanceInfo> instances(String appId) {
        return List.copyOf(this.<List<InstanceInfo>>call("instances", app(appId), INSTANCES));
    }

    @Override
    public boolean cancel(String appId, UUID instanceId) {
        return call("cancel", app(appId).put(Messages.INSTANCE_ID, text(instanceId, "instanceId")), Boolean.class);
    }

    @Override
    public List<InstanceInfo> undeliveredCompletions(String appId) {
        return List.copyOf(this.<List<InstanceInfo>>call("undeliveredCompletions", app(appId), INSTANCES));
    }

    @Override
    public boolean claimCompletion(String appId, UUID instanceId) {
        return call("claimCompletion", app(appId).put(Messages.INSTANCE_ID, text(instanceId, "instanceId")),
                Boolean.class);
    }

    /**
     * Asks the broker to push the app's events on this connection until the returned handle is closed (which sends
     * {@code unsubscribe}) or the connection ends. The listener runs on the client's reader thread.
     */
    @Override
    public AutoCloseable subscribe(String appId, Consumer<AppEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        return open(Messages.SUBSCRIBE, app(appId), decoding(Messages.EVENT, AppEvent.class, listener));
    }

    /**
     * Asks the broker to push its signals on this connection each time they change, until the returned handle is
     * closed or the connection ends. The listener runs on the client's reader thread.
     */
    @Override
    public AutoCloseable subscribeSignals(Consumer<SignalSnapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        return open(Messages.SUBSCRIBE_SIGNALS, WireJson.MAPPER.createObjectNode(),
                decoding(Messages.PUSH_SIGNALS, SignalSnapshot.class, listener));
    }

    private AutoCloseable open(String type, ObjectNode fields, Consumer<ObjectNode> listener) {
        int id = channel.nextId();
        // Listening before asking: the broker may push before its answer to the request arrives.
        listeners.put(id, listener);
        try {
            channel.call(id, type, fields, deadline);
        } catch (RuntimeException e) {
            listeners.remove(id);
            throw e;
        }
        return () -> unsubscribe(id);
    }

    private void unsubscribe(int id) {
        if (listeners.remove(id) == null || !channel.isOpen()) {
            return;
        }
        try {
            channel.call(Messages.UNSUBSCRIBE, WireJson.MAPPER.createObjectNode().put(Messages.SUBSCRIPTION, id),
                    deadline);
        } catch (BrokerProtocolException e) {
            if (channel.isOpen()) {
                throw e;
            }
            // The connection ended meanwhile, and the subscription with it.
        }
    }

    @Override
    public SignalSnapshot signals() {
        return call("signals", WireJson.MAPPER.createObjectNode(), SignalSnapshot.class);
    }

    @Override
    public void simulate(Map<HostSignal, Boolean> overrides) {
        Objects.requireNonNull(overrides, "overrides");
        call("simulate", WireJson.MAPPER.createObjectNode().set(Messages.OVERRIDES, tree(overrides)));
    }

    @Override
    public void simulateHardware(HardwareReadings overrides) {
        Objects.requireNonNull(overrides, "overrides");
        call("simulateHardware", WireJson.MAPPER.createObjectNode().set(Messages.OVERRIDES,
                WireJson.MAPPER.valueToTree(overrides)));
    }

    @Override
    public String describePlatform() {
        return call("describePlatform", WireJson.MAPPER.createObjectNode(), String.class);
    }

    @Override
    public void clearSimulation() {
        call("clearSimulation", WireJson.MAPPER.createObjectNode());
    }

    /** Closes the connection; the broker ends its subscriptions. Tasks and registrations stay. */
    @Override
    public void close() {
        channel.close();
        listeners.clear();
    }

    private static ObjectNode app(String appId) {
        return WireJson.MAPPER.createObjectNode().put(Messages.APP_ID, appId);
    }

    /** Arguments the broker would dereference fail here as they would in-process, not as a protocol error. */
    private static String text(UUID id, String name) {
        return Objects.requireNonNull(id, name).toString();
    }

    private static JsonNode tree(Object value) {
        return WireJson.MAPPER.valueToTree(value);
    }

    private static JavaType listOf(Class<?> element) {
        return WireJson.MAPPER.getTypeFactory().constructCollectionType(List.class, element);
    }

    private void call(String type, ObjectNode fields) {
        channel.call(type, fields, deadline);
    }

    private <T> T call(String type, ObjectNode fields, Class<T> resultType) {
        return call(type, fields, WireJson.MAPPER.constructType(resultType));
    }

    private <T> T call(String type, ObjectNode fields, JavaType resultType) {
        JsonNode result = channel.call(type, fields, deadline);
        try {
            T value = WireJson.MAPPER.treeToValue(result, resultType);
            if (value == null) {
                throw new BrokerProtocolException("the broker at " + socket() + " answered " + type
                        + " without a result");
            }
            return value;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new BrokerProtocolException("the broker at " + socket() + " sent an unreadable answer to " + type
                    + ": " + e.getMessage(), e);
        }
    }
}
