package dev.bgtasks;

import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerOperations;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.RunToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point for an app: its access, its triggers, its registrations and their events.
 *
 * <pre>{@code
 * try (BackgroundTasks bg = BackgroundTasks.inProcess(broker, "com.example.notes")) {
 *     bg.executionManager().requestAccess().join();
 *     BackgroundTaskRegistration reg = bg.ensureRegistered("Export", bg.newTask()
 *             .taskEntryPoint("tasks.ExportTask").setTrigger(bg.applicationTrigger()));
 *     reg.onCompleted(e -> log.info("done: {}", e));
 *     bg.applicationTrigger().requestAsync(Map.of("file", "notes.db")).join();
 * }
 * }</pre>
 *
 * <p>Listeners run on one event thread of this object, in the order the broker sent the events; a slow listener
 * delays only this app's later events.
 */
public final class BackgroundTasks implements AutoCloseable {
    /** Set in a task process's environment; a trigger request from there is refused (SPEC T1). */
    public static final String RUN_TOKEN_VARIABLE = RunToken.ENVIRONMENT_VARIABLE;
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTasks.class);

    private final BrokerOperations broker;
    private final String appId;
    private final String callerRunToken;
    private final Executor events;
    private final ExecutorService ownedEvents;
    private final AutoCloseable subscription;
    private AutoCloseable ownedConnection;
    private final Map<UUID, List<Consumer<BackgroundTaskProgressEventArgs>>> progressListeners =
            new ConcurrentHashMap<>();
    private final Map<UUID, List<Consumer<BackgroundTaskCompletedEventArgs>>> completionListeners =
            new ConcurrentHashMap<>();

    private BackgroundTasks(BrokerOperations broker, String appId, Executor eventExecutor,
                            Map<String, String> environment) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.appId = Objects.requireNonNull(appId, "appId");
        this.callerRunToken = environment.get(RUN_TOKEN_VARIABLE);
        if (eventExecutor == null) {
            this.ownedEvents = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "bgtasks-events-" + appId);
                thread.setDaemon(true);
                return thread;
            });
            this.events = ownedEvents;
        } else {
            this.ownedEvents = null;
            this.events = eventExecutor;
        }
        this.subscription = broker.subscribe(appId, this::onBrokerEvent);
    }

    /**
     * The app's view of the per-user broker: connects to its socket, and starts the broker when nothing answers
     * (SPEC B1). Closing the returned object closes the connection; tasks and registrations stay.
     *
     * @param appId the app's identity, e.g. {@code com.example.notes}
     * @return the app's connection to the broker
     * @throws BrokerUnavailableException naming the socket and the broker log when it can be neither reached nor
     *     started
     */
    public static BackgroundTasks open(String appId) {
        return open(appId, BrokerLocation.forCurrentUser());
    }

    /**
     * Like {@link #open(String)}, for the broker at {@code location} (e.g. {@code BrokerLocation.underHome}).
     *
     * @param appId the app's identity
     * @param location the broker's socket, state and log directories
     * @return the app's connection to the broker
     */
    public static BackgroundTasks open(String appId, BrokerLocation location) {
        BrokerClient client = BrokerStarter.connectOrStart(location);
        try {
            BackgroundTasks tasks = new BackgroundTasks(client, appId, null, System.getenv());
            tasks.ownedConnection = client;
            return tasks;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * The app's view of a broker running in this JVM (tests, small apps).
     *
     * @param broker a broker started in this JVM
     * @param appId the app's identity
     * @return the app's view of that broker
     */
    public static BackgroundTasks inProcess(Broker broker, String appId) {
        return inProcess(broker, appId, null, System.getenv());
    }

    /**
     * Like {@link #inProcess(Broker, String)}, with the executor that runs listeners ({@code Runnable::run} runs
     * them on the broker's thread, for deterministic tests; they must not block then) and the environment that
     * tells whether this process is a task (SPEC T1).
     *
     * @param broker the broker's operations
     * @param appId the app's identity
     * @param eventExecutor runs listeners
     * @param environment variables added to the tasks' environment
     * @return the app's view of that broker
     */
    public static BackgroundTasks inProcess(BrokerOperations broker, String appId, Executor eventExecutor,
                                            Map<String, String> environment) {
        return new BackgroundTasks(broker, appId, eventExecutor, environment);
    }

    /** {@return the app's identity, as given to {@code open}} */
    public String appId() {
        return appId;
    }

    BrokerOperations broker() {
        return broker;
    }

    String callerRunToken() {
        return callerRunToken;
    }

    /** {@return access requests and status (UWP {@code BackgroundExecutionManager})} */
    public BackgroundExecutionManager executionManager() {
        return new BackgroundExecutionManager(broker, appId);
    }

    /**
     * The app's default trigger (UWP's one-per-app trigger).
     *
     * @return the trigger named {@code ""}
     */
    public ApplicationTrigger applicationTrigger() {
        return applicationTrigger("");
    }

    /**
     * Another trigger slot of the app: one registration and one running instance per slot (SPEC R3, T4).
     *
     * @param name the slot's name; {@code ""} is the default trigger
     * @return a trigger for that slot
     */
    public ApplicationTrigger applicationTrigger(String name) {
        return new ApplicationTrigger(this, Objects.requireNonNull(name, "name"));
    }

    /** {@return a builder for a new task; finish it with {@link BackgroundTaskBuilder#register()}} */
    public BackgroundTaskBuilder newTask() {
        return new BackgroundTaskBuilder(this);
    }

    /**
     * The app's registrations keyed by task id, oldest first (SPEC R4).
     *
     * @return a copy; later registrations do not appear in it
     */
    public Map<UUID, BackgroundTaskRegistration> allTasks() {
        Map<UUID, BackgroundTaskRegistration> all = new LinkedHashMap<>();
        for (RegistrationInfo info : broker.registrations(appId)) {
            all.put(info.taskId(), new BackgroundTaskRegistration(this, info));
        }
        return all;
    }

    /**
     * Returns the registration named {@code name}, registering {@code builder} under that name only when there
     * is none (SPEC R6). Call it at every launch.
     *
     * @param name the task's name
     * @param builder the definition to register when none is stored under {@code name}
     * @return the stored registration, old or new
     */
    public synchronized BackgroundTaskRegistration ensureRegistered(String name, BackgroundTaskBuilder builder) {
        Optional<BackgroundTaskRegistration> existing = allTasks().values().stream()
                .filter(r -> r.name().equals(name)).findFirst();
        return existing.orElseGet(() -> builder.name(name).register());
    }

    /**
     * The app's instances, newest first, with what pending ones wait for.
     *
     * @return a list the broker computed at the time of the call
     */
    public List<InstanceInfo> instances() {
        return broker.instances(appId);
    }

    BackgroundTaskRegistration register(TaskDefinition definition) {
        return new BackgroundTaskRegistration(this, broker.register(appId, definition));
    }

    void unregister(BackgroundTaskRegistration registration, boolean cancelTask) {
        broker.unregister(appId, registration.taskId(), cancelTask);
        progressListeners.remove(registration.taskId());
        completionListeners.remove(registration.taskId());
    }

    AutoCloseable addProgressListener(UUID taskId, Consumer<BackgroundTaskProgressEventArgs> listener) {
        Objects.requireNonNull(listener, "listener");
        List<Consumer<BackgroundTaskProgressEventArgs>> list =
                progressListeners.computeIfAbsent(taskId, id -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    AutoCloseable addCompletionListener(UUID taskId, Consumer<BackgroundTaskCompletedEventArgs> listener) {
        Objects.requireNonNull(listener, "listener");
        List<Consumer<BackgroundTaskCompletedEventArgs>> list =
                completionListeners.computeIfAbsent(taskId, id -> new CopyOnWriteArrayList<>());
        list.add(listener);
        // SPEC X5: what finished while nobody listened arrives now, once; the claim makes it once across clients.
        for (InstanceInfo done : broker.undeliveredCompletions(appId)) {
            if (done.taskId().equals(taskId)) {
                events.execute(() -> deliverCompletion(done));
            }
        }
        return () -> list.remove(listener);
    }

    private void onBrokerEvent(AppEvent event) {
        events.execute(() -> dispatch(event));
    }

    private void dispatch(AppEvent event) {
        if (event instanceof AppEvent.Progress progress) {
            BackgroundTaskProgressEventArgs args =
                    new BackgroundTaskProgressEventArgs(progress.instanceId(), progress.progress());
            for (Consumer<BackgroundTaskProgressEventArgs> listener
                    : progressListeners.getOrDefault(progress.taskId(), List.of())) {
                callSafely(listener, args);
            }
        } else if (event instanceof AppEvent.Completed completed) {
            deliverCompletion(completed.instance());
        }
    }

    private void deliverCompletion(InstanceInfo done) {
        List<Consumer<BackgroundTaskCompletedEventArgs>> listeners =
                completionListeners.getOrDefault(done.taskId(), List.of());
        // Unclaimed without a listener, so the app's next listener (maybe after a restart) still gets it.
        if (listeners.isEmpty() || !broker.claimCompletion(appId, done.instanceId())) {
            return;
        }
        BackgroundTaskCompletedEventArgs args = new BackgroundTaskCompletedEventArgs(done);
        for (Consumer<BackgroundTaskCompletedEventArgs> listener : listeners) {
            callSafely(listener, args);
        }
    }

    private <T> void callSafely(Consumer<T> listener, T args) {
        try {
            listener.accept(args);
        } catch (RuntimeException e) {
            LOG.warn("a listener of {} threw on {}", appId, args, e);
        }
    }

    /** Ends this app's subscriptions; registrations and running tasks are not affected. */
    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.warn("closing the event subscription of {} failed", appId, e);
        }
        if (ownedEvents != null) {
            ownedEvents.shutdown();
        }
        if (ownedConnection != null) {
            try {
                ownedConnection.close();
            } catch (Exception e) {
                LOG.warn("closing the broker connection of {} failed", appId, e);
            }
        }
    }
}
