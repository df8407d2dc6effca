package dev.bgtasks.broker;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.store.Store;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where trigger semantics live. This facade owns the broker's lock and its store, and hands each SPEC
 * group to one part: {@link AccessControl} (A), {@link Registrations} (R), {@link TriggerDecisions} (T, the one that
 * decides T4), {@link TaskRuns} (X: launch, budget, cancellation, grace, exit, completion), {@link HostSessions}
 * (the task host's side, S2), {@link Recovery} (B3), {@link SignalReactions} (X8, X9, T7's condition latch),
 * {@link Completions} (X5), {@link TriggerSchedules} (Y1, Y2, Y5), {@link SystemTransitions} (Y3),
 * {@link RetentionSweeper} (B7) and {@link Retries} (P1). It decides over the SPI ({@code HostSignals},
 * {@code ProcessSandbox}), a {@link Store} and a {@link BrokerClock}; it never touches a socket.
 *
 * <pre>{@code
 * Broker broker = Broker.start(BrokerConfig.builder().home(dir).platform(platform).clock(clock).build());
 * try (BackgroundTasks bg = BackgroundTasks.inProcess(broker, "com.example.notes")) { ... }
 * broker.close();
 * }</pre>
 *
 * <p>Every decision runs under one lock (this object) and in one store transaction, so T4 holds for any number of
 * callers, and every state change is durable before the call returns (SPEC B4). Timers, process exits and signal
 * changes take the same lock. Closing the broker leaves running tasks alone: the next broker re-adopts them (B3).
 * The task host's half of the facade ({@link HostOperations}) is {@link HostFacade}, under the same lock.
 */
public final class Broker extends HostFacade implements BrokerOperations, AutoCloseable {
    /** The largest encoded argument map a trigger may carry (SPEC T6). */
    public static final int MAX_ARGUMENT_BYTES = ValueMapCodec.MAX_ENCODED_BYTES;
    /** The parts log under this name too, so the broker's log reads as before they were parts. */
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final AutoCloseable signalSubscription;

    private Broker(BrokerConfig config, Store store) {
        super(config, store);
        this.signalSubscription = ctx.signals.subscribe(ignored -> onSignalsChanged());
    }

    /**
     * Opens the store (refusing if another broker holds it), recovers instances a previous broker left, and starts
     * pending instances whose conditions hold.
     *
     * @throws dev.bgtasks.store.StoreException when the database is locked, corrupt or of a newer schema
     */
    public static Broker start(BrokerConfig config) {
        Store store = Store.open(config.databaseFile());
        try {
            Broker broker = new Broker(config, store);
            broker.recover();
            LOG.info("broker started: home {}, platform {}", config.home(), config.platform().name());
            return broker;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** SPEC B3, T7, Y5, A5, B7, P1: takes back what the previous broker left ({@link BrokerParts#recover()}). */
    private synchronized void recover() {
        parts.recover();
    }

    /**
     * X8, X9, T7 first; then the system triggers on the transition (Y3), the device triggers (H8) and a maintenance
     * fire waiting for AC (Y2).
     */
    private void onSignalsChanged() {
        parts.reactions.onSignalsChanged();
        synchronized (this) {
            if (!ctx.closed) {
                parts.fireOnTransition();
            }
        }
    }

    public BrokerConfig config() {
        return ctx.config;
    }

    /** The admin policy in force; {@code error()} says when its file is malformed or unreadable (SPEC A5). */
    public synchronized AccessPolicy policy() {
        return parts.access.policy();
    }

    /** Where the broker keeps its state, for diagnostics. */
    public Store store() {
        return ctx.store;
    }

    @Override
    public BackgroundAccessStatus requestAccess(String appId) {
        RegistrationValidator.requireAppId(appId);
        synchronized (this) {
            ctx.ensureOpen();
            return parts.access.request(appId);
        }
    }

    @Override
    public BackgroundAccessStatus accessStatus(String appId) { // needs no lock: one read
        RegistrationValidator.requireAppId(appId);
        return ctx.accessStatus(appId);
    }

    @Override
    public synchronized void removeAccess(String appId) {
        RegistrationValidator.requireAppId(appId);
        ctx.ensureOpen();
        parts.access.remove(appId);
        parts.standbys.reconcile(); // SPEC W2: access loss ends the app's standbys
    }

    @Override
    public synchronized void setUserAccess(String appId, UserAccessSetting setting) {
        RegistrationValidator.requireAppId(appId);
        ctx.ensureOpen();
        parts.access.setUser(appId, setting);
        parts.standbys.reconcile();
    }

    @Override
    public synchronized void clearUserAccess(String appId) {
        RegistrationValidator.requireAppId(appId);
        ctx.ensureOpen();
        parts.access.clearUser(appId);
        parts.standbys.reconcile();
    }

    /** Re-reads the admin policy file and applies it at once (SPEC A4). */
    public synchronized void reloadPolicy() {
        ctx.ensureOpen();
        parts.access.reloadPolicy();
        parts.standbys.reconcile();
    }

    @Override
    public RegistrationInfo register(String appId, TaskDefinition definition) {
        RegistrationValidator.requireAppId(appId);
        // Outside the lock: checking an entry point reads the task's classpath.
        parts.registrations.validate(definition);
        synchronized (this) {
            ctx.ensureOpen();
            return parts.registrations.registerAndRefresh(appId, definition);
        }
    }

    @Override
    public List<RegistrationInfo> registrations(String appId) {
        RegistrationValidator.requireAppId(appId);
        return parts.registrations.list(appId);
    }

    @Override
    public synchronized boolean unregister(String appId, UUID taskId, boolean cancelTask) {
        RegistrationValidator.requireAppId(appId);
        ctx.ensureOpen();
        boolean removed = parts.registrations.unregisterAndRefresh(appId, taskId, cancelTask);
        parts.standbys.reconcile(); // SPEC W2: unregistering ends its standby
        return removed;
    }

    @Override
    public TriggerResponse requestTrigger(TriggerRequest request) {
        TriggerDecisions.check(request);
        synchronized (this) {
            ctx.ensureOpen();
            return parts.triggers.decide(request, null);
        }
    }

    /**
     * The answer goes out before the launch, both under the lock: nothing can come between them (SPEC B4). What
     * fails after the answer is logged: the caller has its answer, and gets no second one.
     */
    @Override
    public void requestTrigger(TriggerRequest request, Consumer<TriggerResponse> answer) {
        Objects.requireNonNull(answer, "answer");
        TriggerDecisions.check(request);
        synchronized (this) {
            ctx.ensureOpen();
            boolean[] answered = {false};
            Consumer<TriggerResponse> once = response -> {
                answered[0] = true;
                try {
                    answer.accept(response);
                } catch (RuntimeException e) {
                    // The caller's failure to pass the answer on does not hold back the start it asked for.
                    LOG.warn("the answer to a trigger of {} was not passed on", request.appId(), e);
                }
            };
            try {
                TriggerResponse response = parts.triggers.decide(request, once);
                // A decision that returns before the start step (a trigger from inside a task) is answered here.
                if (!answered[0]) {
                    once.accept(response);
                }
            } catch (RuntimeException e) {
                if (!answered[0]) {
                    throw e;
                }
                LOG.error("trigger of {} failed after it was answered", request.appId(), e);
            }
        }
    }

    @Override
    public synchronized boolean cancel(String appId, UUID instanceId) {
        RegistrationValidator.requireAppId(appId);
        ctx.ensureOpen();
        return parts.reactions.cancel(appId, instanceId);
    }

    /** SPEC W1: the standby task hosts now, one line each with their memory, for {@code bgtask doctor}. */
    public synchronized List<String> standbys() {
        return parts.standbys.describe();
    }

    @Override
    public SignalSnapshot signals() {
        return ctx.signals.current();
    }

    @Override
    public AutoCloseable subscribeSignals(Consumer<SignalSnapshot> listener) {
        return ctx.signals.subscribe(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void simulate(Map<HostSignal, Boolean> overrides) {
        parts.reactions.simulate(overrides);
    }

    @Override
    public void simulateHardware(HardwareReadings overrides) {
        parts.reactions.simulateHardware(overrides);
    }

    @Override
    public void clearSimulation() {
        parts.reactions.clearSimulation();
    }

    @Override
    public String describePlatform() {
        List<String> standbys = standbys();
        StringBuilder text = new StringBuilder(ctx.describePlatform());
        text.append(text.charAt(text.length() - 1) == '\n' ? "" : "\n").append("  standby task hosts (SPEC W2, up to ")
                .append(ctx.config.standbys()).append("): ").append(standbys.isEmpty() ? "none" : "").append('\n');
        standbys.forEach(line -> text.append("    ").append(line).append('\n'));
        return text.toString();
    }

    @Override
    public List<InstanceInfo> instances(String appId) {
        RegistrationValidator.requireAppId(appId);
        return parts.completions.instances(appId);
    }

    @Override
    public List<InstanceInfo> undeliveredCompletions(String appId) {
        RegistrationValidator.requireAppId(appId);
        return parts.completions.undelivered(appId);
    }

    @Override
    public boolean claimCompletion(String appId, UUID instanceId) {
        RegistrationValidator.requireAppId(appId);
        return parts.completions.claim(appId, instanceId);
    }

    @Override
    public AutoCloseable subscribe(String appId, Consumer<AppEvent> listener) {
        RegistrationValidator.requireAppId(appId);
        return parts.completions.subscribe(appId, listener);
    }

    /** Whether this platform can take back tasks after a broker restart. */
    public boolean canReadopt() {
        return ctx.sandbox.canReadopt();
    }

    /**
     * Stops the broker and releases the store. Running tasks keep running; the next broker re-adopts them or
     * records them as lost (SPEC B3).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (ctx.closed) {
                return;
            }
            ctx.closed = true;
            parts.stopTimers();
        }
        try {
            signalSubscription.close();
        } catch (Exception e) {
            LOG.warn("closing the signal subscription failed", e);
        }
        ctx.signals.close();
        parts.launcher.close();
        ctx.clock.shutdown();
        ctx.store.close();
        LOG.info("broker stopped");
    }
}
