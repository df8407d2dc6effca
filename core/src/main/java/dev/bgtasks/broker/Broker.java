package dev.bgtasks.broker;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SimulatedSignals;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.RegistrationRow;
import dev.bgtasks.store.Store;
import dev.bgtasks.store.StoreTransaction;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where trigger semantics live: access, registrations, the per-trigger slot, condition latching,
 * wall-clock budgets, cancellation, completion. It decides over the SPI ({@code HostSignals},
 * {@code ProcessSandbox}), a {@link Store} and a {@link BrokerClock}; it never touches a socket.
 *
 * <pre>{@code
 * Broker broker = Broker.start(BrokerConfig.builder().home(dir).platform(platform).clock(clock).build());
 * try (BackgroundTasks bg = BackgroundTasks.inProcess(broker, "com.example.notes")) { ... }
 * broker.close();
 * }</pre>
 *
 * <p>Every decision runs under one lock and in one store transaction, so T4 holds for any number of callers, and
 * every state change is durable before the call returns (SPEC B4). Conditions are re-evaluated when a signal
 * changes, never on a timer. Closing the broker leaves running tasks alone: the next broker re-adopts them (B3).
 */
public final class Broker implements BrokerOperations, AutoCloseable {
    /** The largest encoded argument map a trigger may carry (SPEC T6). */
    public static final int MAX_ARGUMENT_BYTES = ValueMapCodec.MAX_ENCODED_BYTES;
    /** How many triggers {@link #remembered} keeps read inputs for before it starts afresh. */
    private static final int REMEMBERED_TRIGGERS = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final int INSTANCE_LIST_LIMIT = 200;

    private final BrokerConfig config;
    private final Store store;
    private final BrokerClock clock;
    private final ProcessSandbox sandbox;
    private final SimulatedSignals signals;
    private final RegistrationValidator validator;
    private final JavaStartArchives archives;
    private final AutoCloseable signalSubscription;
    private final Map<String, List<Consumer<AppEvent>>> subscribers = new ConcurrentHashMap<>();

    // Guarded by "this".
    private final Map<UUID, RunningTask> running = new HashMap<>();
    private final Map<String, UUID> runningByToken = new HashMap<>();
    private final Map<String, InstanceRow> awaitingReadoption = new HashMap<>();
    private final Map<UUID, Set<SystemConditionType>> lastUnmet = new HashMap<>();
    /** Per app and trigger name, under this broker's lock; see {@link #remembered}. */
    private final Map<String, RememberedInputs> triggerInputs = new HashMap<>();
    private AccessPolicy policy;
    private BrokerClock.Timer readoptTimer;
    private boolean closed;

    private Broker(BrokerConfig config, Store store) {
        this.config = config;
        this.store = store;
        this.clock = config.clock();
        HostPlatform platform = config.platform();
        this.sandbox = platform.sandbox();
        this.signals = new SimulatedSignals(platform.signals());
        this.validator = new RegistrationValidator(config.environment());
        this.policy = loadPolicy(config);
        this.archives = config.javaStartArchives() == null ? JavaStartArchives.off()
                : JavaStartArchives.in(config.javaStartArchives(), config.javaExecutable());
        this.signalSubscription = signals.subscribe(ignored -> onSignalsChanged());
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

    public BrokerConfig config() {
        return config;
    }

    /** The admin policy in force; {@code error()} says when its file is malformed. */
    public synchronized AccessPolicy policy() {
        return policy;
    }

    /** Where the broker keeps its state, for diagnostics. */
    public Store store() {
        return store;
    }

    // ---- Access (SPEC A) ----

    @Override
    public BackgroundAccessStatus requestAccess(String appId) {
        RegistrationValidator.requireAppId(appId);
        synchronized (this) {
            ensureOpen();
            AccessChange change = store.write(tx -> recomputeAccess(tx, appId, true));
            applyAccessChange(change);
            LOG.info("access for {}: {}", appId, change.now());
            return change.now();
        }
    }

    @Override
    public BackgroundAccessStatus accessStatus(String appId) {
        RegistrationValidator.requireAppId(appId);
        return store.read(tx -> tx.accessStatus(appId)).orElse(BackgroundAccessStatus.UNSPECIFIED);
    }

    @Override
    public synchronized void removeAccess(String appId) {
        RegistrationValidator.requireAppId(appId);
        ensureOpen();
        for (RegistrationRow row : store.read(tx -> tx.registrations(appId))) {
            unregisterLocked(row, true);
        }
        store.write(tx -> {
            tx.clearAccessStatus(appId);
            return null;
        });
        LOG.info("access for {} removed; its registrations are gone", appId);
    }

    @Override
    public synchronized void setUserAccess(String appId, UserAccessSetting setting) {
        RegistrationValidator.requireAppId(appId);
        ensureOpen();
        AccessChange change = store.write(tx -> {
            tx.setUserAccessSetting(appId, setting);
            return recomputeAccess(tx, appId, false);
        });
        LOG.info("user access setting for {}: {}", appId, setting);
        applyAccessChange(change);
    }

    @Override
    public synchronized void clearUserAccess(String appId) {
        RegistrationValidator.requireAppId(appId);
        ensureOpen();
        AccessChange change = store.write(tx -> {
            tx.clearUserAccessSetting(appId);
            return recomputeAccess(tx, appId, false);
        });
        LOG.info("user access setting for {} cleared", appId);
        applyAccessChange(change);
    }

    /** Re-reads the admin policy file and applies it at once (SPEC A4). */
    public synchronized void reloadPolicy() {
        ensureOpen();
        policy = loadPolicy(config);
        List<AccessChange> changes = store.write(tx -> {
            List<AccessChange> all = new ArrayList<>();
            for (String appId : tx.appsWithAccessStatus()) {
                all.add(recomputeAccess(tx, appId, false));
            }
            return all;
        });
        changes.forEach(this::applyAccessChange);
    }

    private static AccessPolicy loadPolicy(BrokerConfig config) {
        AccessPolicy loaded = AccessPolicy.load(config.policyFile());
        loaded.error().ifPresent(LOG::error);
        return loaded;
    }

    /** The status before and after; {@code store} false leaves an app that never asked at UNSPECIFIED. */
    private record AccessChange(String appId, BackgroundAccessStatus before, BackgroundAccessStatus now) {
    }

    private AccessChange recomputeAccess(StoreTransaction tx, String appId, boolean request) {
        Optional<BackgroundAccessStatus> stored = tx.accessStatus(appId);
        BackgroundAccessStatus before = stored.orElse(BackgroundAccessStatus.UNSPECIFIED);
        if (stored.isEmpty() && !request) {
            return new AccessChange(appId, before, before);
        }
        BackgroundAccessStatus now;
        if (policy.denies(appId)) {
            now = BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY;
        } else {
            UserAccessSetting setting = tx.userAccessSetting(appId).orElse(UserAccessSetting.ALLOW);
            now = switch (setting) {
                case DENY -> BackgroundAccessStatus.DENIED_BY_USER;
                case ALWAYS -> BackgroundAccessStatus.ALWAYS_ALLOWED;
                case ALLOW -> BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY;
            };
        }
        tx.setAccessStatus(appId, now);
        return new AccessChange(appId, before, now);
    }

    private void applyAccessChange(AccessChange change) {
        if (change.now().isDenied()) {
            if (!change.before().isDenied()) {
                LOG.info("{} is now {}: cancelling its running tasks", change.appId(), change.now());
            }
            for (RunningTask task : List.copyOf(running.values())) {
                if (task.row.appId().equals(change.appId())) {
                    cancelLocked(task, BackgroundTaskCancellationReason.SYSTEM_POLICY);
                }
            }
        } else if (change.now() != change.before()) {
            // ALWAYS_ALLOWED may free instances that waited for energy saver to go off.
            startPendingWhereConditionsHold();
        }
    }

    // ---- Registration (SPEC R) ----

    @Override
    public RegistrationInfo register(String appId, TaskDefinition definition) {
        RegistrationValidator.requireAppId(appId);
        // Outside the lock: checking an entry point reads the task's classpath.
        validator.validate(definition, sandbox.capabilities());
        synchronized (this) {
            ensureOpen();
            RegistrationRow row = store.write(tx -> {
                BackgroundAccessStatus status = tx.accessStatus(appId).orElse(BackgroundAccessStatus.UNSPECIFIED);
                if (status.isDenied()) {
                    throw new IllegalStateException("cannot register for " + appId + ": background access is "
                            + status + (status == BackgroundAccessStatus.UNSPECIFIED
                            ? "; call requestAccess() first" : ""));
                }
                tx.registrationForTrigger(appId, definition.triggerName()).ifPresent(held -> {
                    throw new IllegalStateException("trigger " + triggerLabel(definition.triggerName()) + " of "
                            + appId + " is already held by task " + held.taskId() + " ('" + held.name()
                            + "'); unregister it first, or name another trigger with applicationTrigger(name)");
                });
                RegistrationRow created = new RegistrationRow(UUID.randomUUID(), appId, definition.name(),
                        definition.triggerName(), DefinitionCodec.encode(definition), clock.now());
                tx.insertRegistration(created);
                return created;
            });
            LOG.info("registered task {} '{}' of {} on trigger {}", row.taskId(), row.name(), appId,
                    triggerLabel(row.triggerName()));
            if (definition.target() instanceof TaskTarget.JavaEntryPoint java) {
                archives.prepare(java.classpath(), java.className());
            }
            return info(row);
        }
    }

    @Override
    public List<RegistrationInfo> registrations(String appId) {
        RegistrationValidator.requireAppId(appId);
        return store.read(tx -> tx.registrations(appId)).stream().map(Broker::info).toList();
    }

    @Override
    public synchronized boolean unregister(String appId, UUID taskId, boolean cancelTask) {
        RegistrationValidator.requireAppId(appId);
        ensureOpen();
        Optional<RegistrationRow> row = store.read(tx -> tx.registration(taskId))
                .filter(r -> r.appId().equals(appId));
        row.ifPresent(r -> unregisterLocked(r, cancelTask));
        return row.isPresent();
    }

    private void unregisterLocked(RegistrationRow row, boolean cancelTask) {
        Instant now = clock.now();
        Optional<InstanceRow> active = store.write(tx -> {
            tx.deleteRegistration(row.taskId());
            Optional<InstanceRow> current = tx.activeInstance(row.appId(), row.triggerName())
                    .filter(i -> i.taskId().equals(row.taskId()));
            current.filter(i -> i.state() == InstanceState.PENDING).ifPresent(pending -> {
                // SPEC R8: a pending instance is discarded; it is kept as a record, with nobody to deliver it to.
                tx.updateInstance(pending.cancelled(BackgroundTaskCancellationReason.ABORT, now)
                        .completed(TaskOutcome.CANCELED, null, null, "discarded by unregister", null, null, now));
                tx.markDelivered(pending.instanceId());
            });
            return current;
        });
        LOG.info("unregistered task {} '{}' of {} (cancelTask={})", row.taskId(), row.name(), row.appId(),
                cancelTask);
        active.ifPresent(instance -> {
            lastUnmet.remove(instance.instanceId());
            RunningTask task = running.get(instance.instanceId());
            if (task != null && cancelTask) {
                cancelLocked(task, BackgroundTaskCancellationReason.ABORT);
            }
        });
    }

    private static RegistrationInfo info(RegistrationRow row) {
        return new RegistrationInfo(row.taskId(), row.appId(), row.registeredAt(),
                DefinitionCodec.decode(row.name(), row.triggerName(), row.definitionJson()));
    }

    // ---- Triggering (SPEC T) ----

    @Override
    public TriggerResponse requestTrigger(TriggerRequest request) {
        RegistrationValidator.requireAppId(request.appId());
        RegistrationValidator.requireTriggerName(request.triggerName());
        if (request.arguments().length > MAX_ARGUMENT_BYTES) {
            throw new IllegalArgumentException("arguments encode to " + request.arguments().length
                    + " bytes, more than the limit of " + MAX_ARGUMENT_BYTES);
        }
        synchronized (this) {
            ensureOpen();
            if (request.callerRunToken() != null) {
                LOG.info("trigger {} of {} requested from inside a task: DISABLED_BY_POLICY",
                        triggerLabel(request.triggerName()), request.appId());
                return new TriggerResponse(ApplicationTriggerResult.DISABLED_BY_POLICY, null);
            }
            boolean energySaver = signals.current().is(HostSignal.ENERGY_SAVER, true);
            Instant now = clock.now();
            // Most repeated triggers are refused; deciding that needs no write lock and no commit, and an app that
            // asks in a loop reads the same rows until something is written. Under this broker's lock nothing can
            // change between the read and the write.
            Decision decision = refusal(remembered(request), energySaver);
            if (decision == null) {
                decision = store.write(tx -> {
                    TriggerInputs inputs = TriggerInputs.read(tx, request);
                    Decision refused = refusal(inputs, energySaver);
                    return refused != null ? refused : create(tx, inputs, request, now);
                });
            }
            if (decision.response().result() == ApplicationTriggerResult.CURRENTLY_RUNNING) {
                // An app may ask in a loop; the slot's instance is what the log already tells.
                LOG.debug("trigger {} of {}: CURRENTLY_RUNNING ({})", triggerLabel(request.triggerName()),
                        request.appId(), decision.why());
            } else {
                LOG.info("trigger {} of {}: {}{}", triggerLabel(request.triggerName()), request.appId(),
                        decision.response().result(), decision.why().isEmpty() ? "" : " (" + decision.why() + ")");
            }
            if (decision.created() != null) {
                tryStart(decision.created());
            }
            return decision.response();
        }
    }

    private record Decision(TriggerResponse response, InstanceRow created, String why) {
        static Decision of(ApplicationTriggerResult result, UUID instanceId, String why) {
            return new Decision(new TriggerResponse(result, instanceId), null, why);
        }
    }

    /** What the store says of one trigger: all that a refusal is decided from. */
    private record TriggerInputs(Optional<RegistrationRow> registration, BackgroundAccessStatus access,
                                 Optional<InstanceRow> active) {
        static TriggerInputs read(StoreTransaction tx, TriggerRequest request) {
            return new TriggerInputs(tx.registrationForTrigger(request.appId(), request.triggerName()),
                    tx.accessStatus(request.appId()).orElse(BackgroundAccessStatus.UNSPECIFIED),
                    tx.activeInstance(request.appId(), request.triggerName()));
        }
    }

    /** Inputs read at one store generation: valid while nothing has been written since. */
    private record RememberedInputs(long generation, TriggerInputs inputs) {
    }

    /**
     * The trigger's inputs, read again only when the store was written since they were last read. The generation
     * is taken before the read, so a write that lands during it makes the entry stale at once.
     */
    private TriggerInputs remembered(TriggerRequest request) {
        String key = request.appId() + '\n' + request.triggerName();
        long generation = store.generation();
        RememberedInputs entry = triggerInputs.get(key);
        if (entry != null && entry.generation() == generation) {
            return entry.inputs();
        }
        TriggerInputs inputs = store.read(tx -> TriggerInputs.read(tx, request));
        if (triggerInputs.size() >= REMEMBERED_TRIGGERS) {
            // Any name may be asked for, registered or not: the memory stays bounded.
            triggerInputs.clear();
        }
        triggerInputs.put(key, new RememberedInputs(generation, inputs));
        return inputs;
    }

    /**
     * The decision order of DESIGN.md: registration, access and energy saver, the slot; null when a new instance
     * is due.
     */
    private static Decision refusal(TriggerInputs inputs, boolean energySaver) {
        if (inputs.registration().isEmpty()) {
            return Decision.of(ApplicationTriggerResult.UNKNOWN_ERROR, null, "no registration holds this trigger");
        }
        BackgroundAccessStatus status = inputs.access();
        if (status.isDenied()) {
            return Decision.of(ApplicationTriggerResult.DISABLED_BY_POLICY, null, "access is " + status);
        }
        if (energySaver && status != BackgroundAccessStatus.ALWAYS_ALLOWED) {
            return Decision.of(ApplicationTriggerResult.DISABLED_BY_POLICY, null,
                    "energy saver is on and access is " + status);
        }
        Optional<InstanceRow> active = inputs.active();
        if (active.isPresent()) {
            return Decision.of(ApplicationTriggerResult.CURRENTLY_RUNNING, active.get().instanceId(),
                    "instance " + active.get().instanceId() + " is " + active.get().state());
        }
        return null;
    }

    /** A new pending instance in the trigger's slot. */
    private Decision create(StoreTransaction tx, TriggerInputs inputs, TriggerRequest request, Instant now) {
        InstanceRow created = InstanceRow.pending(UUID.randomUUID(), inputs.registration().orElseThrow().taskId(),
                request.appId(), request.triggerName(), request.arguments().clone(), RunToken.newToken(), now);
        tx.insertInstance(created);
        return new Decision(new TriggerResponse(ApplicationTriggerResult.ALLOWED, created.instanceId()), created,
                "instance " + created.instanceId());
    }

    /** Starts a pending instance if its conditions hold and nothing holds it back (SPEC T7, X9). */
    private void tryStart(InstanceRow pending) {
        Optional<RegistrationRow> registration = store.read(tx -> tx.registration(pending.taskId()));
        if (registration.isEmpty()) {
            return;
        }
        TaskDefinition definition = DefinitionCodec.decode(registration.get().name(),
                registration.get().triggerName(), registration.get().definitionJson());
        BackgroundAccessStatus status = accessStatus(pending.appId());
        SignalSnapshot now = signals.current();
        if (status.isDenied()) {
            return;
        }
        if (now.is(HostSignal.ENERGY_SAVER, true) && status != BackgroundAccessStatus.ALWAYS_ALLOWED) {
            return;
        }
        Set<SystemConditionType> unmet = ConditionRules.unmet(definition.conditions(), now);
        logConditionChanges(pending, unmet);
        if (unmet.isEmpty()) {
            lastUnmet.remove(pending.instanceId());
            launch(pending, definition);
        }
    }

    private void logConditionChanges(InstanceRow pending, Set<SystemConditionType> unmet) {
        Set<SystemConditionType> before = lastUnmet.get(pending.instanceId());
        if (before == null) {
            if (!unmet.isEmpty()) {
                LOG.info("instance {} of {} is pending, waiting for {}", pending.instanceId(), pending.appId(), unmet);
            }
        } else {
            for (SystemConditionType condition : before) {
                if (!unmet.contains(condition)) {
                    LOG.info("instance {}: condition {} now holds", pending.instanceId(), condition);
                }
            }
            for (SystemConditionType condition : unmet) {
                if (!before.contains(condition)) {
                    LOG.info("instance {}: condition {} no longer holds", pending.instanceId(), condition);
                }
            }
        }
        lastUnmet.put(pending.instanceId(), unmet.isEmpty() ? Set.of() : EnumSet.copyOf(unmet));
    }

    private void startPendingWhereConditionsHold() {
        for (InstanceRow pending : store.read(tx -> tx.instancesInState(InstanceState.PENDING))) {
            tryStart(pending);
        }
    }

    // ---- Running (SPEC X) ----

    private void launch(InstanceRow pending, TaskDefinition definition) {
        List<String> jvmOptions = definition.target() instanceof TaskTarget.JavaEntryPoint java
                ? archives.optionsFor(java.classpath(), java.className()) : List.of();
        LaunchSpec spec = TaskLaunch.spec(config, definition, pending.taskId(), pending.instanceId(),
                pending.runToken(), jvmOptions);
        SandboxedProcess process;
        try {
            Files.createDirectories(spec.logFile().getParent());
            process = sandbox.launch(spec, definition.limits());
        } catch (IOException | RuntimeException e) {
            LOG.error("instance {} could not start: {}", pending.instanceId(), e.toString());
            complete(pending, new Completion(TaskOutcome.TERMINATED, TerminationReason.LAUNCH_FAILED,
                    e.getClass().getName(), "could not start " + spec.command().get(0) + ": " + e.getMessage()),
                    null, null);
            return;
        }
        InstanceRow started = pending.started(process.pid(), clock.now());
        try {
            store.write(tx -> {
                tx.updateInstance(started);
                return null;
            });
        } catch (RuntimeException e) {
            // Nothing may run that the store does not know of (SPEC B4).
            process.kill();
            throw e;
        }
        RunningTask task = new RunningTask(started, definition, process);
        track(task);
        task.budgetTimer = clock.schedule(definition.limits().effectiveWallClock(),
                () -> onBudgetSpent(started.instanceId()));
        LOG.info("instance {} of {} started as pid {}: {}", started.instanceId(), started.appId(), process.pid(),
                spec.command());
    }

    private void track(RunningTask task) {
        UUID instanceId = task.row.instanceId();
        running.put(instanceId, task);
        runningByToken.put(task.row.runToken(), instanceId);
        task.process.onExit().whenComplete((status, error) -> onExit(instanceId, status, error));
    }

    private synchronized void onBudgetSpent(UUID instanceId) {
        RunningTask task = running.get(instanceId);
        if (task != null && !closed) {
            LOG.info("instance {} spent its wall-clock budget of {}", instanceId,
                    task.definition.limits().effectiveWallClock());
            cancelLocked(task, BackgroundTaskCancellationReason.EXECUTION_TIME_EXCEEDED);
        }
    }

    @Override
    public synchronized boolean cancel(String appId, UUID instanceId) {
        RegistrationValidator.requireAppId(appId);
        ensureOpen();
        RunningTask task = running.get(instanceId);
        if (task != null) {
            return task.row.appId().equals(appId) && cancelLocked(task, BackgroundTaskCancellationReason.ABORT);
        }
        Optional<InstanceRow> pending = store.read(tx -> tx.instance(instanceId))
                .filter(i -> i.appId().equals(appId) && i.state() == InstanceState.PENDING);
        pending.ifPresent(row -> {
            lastUnmet.remove(instanceId);
            LOG.info("pending instance {} cancelled before it started", instanceId);
            complete(row.cancelled(BackgroundTaskCancellationReason.ABORT, clock.now()),
                    new Completion(TaskOutcome.CANCELED, null, null, null), null, null);
        });
        return pending.isPresent();
    }

    /** SPEC X6: at most one cancellation per instance; a task still running after the grace period is killed. */
    private boolean cancelLocked(RunningTask task, BackgroundTaskCancellationReason reason) {
        if (task.cancelReason() != null) {
            return false;
        }
        InstanceRow cancelled = task.row.cancelled(reason, clock.now());
        store.write(tx -> {
            tx.updateInstance(cancelled);
            return null;
        });
        task.row = cancelled;
        LOG.info("instance {} cancelled: {}; grace period {}", cancelled.instanceId(), reason,
                task.definition.cancellationGrace());
        publish(cancelled.appId(), new AppEvent.Canceled(cancelled.taskId(), cancelled.instanceId(), reason));
        deliverCancellation(task);
        task.graceTimer = clock.schedule(task.definition.cancellationGrace(),
                () -> onGraceOver(cancelled.instanceId()));
        return true;
    }

    private void deliverCancellation(RunningTask task) {
        if (!task.isJavaTask()) {
            // A command learns of it the way programs do (SIGTERM, CTRL_BREAK), whoever reports its progress.
            task.process.terminate();
        } else if (task.host != null) {
            task.host.cancel(task.cancelReason());
        }
        // A Java task whose host has not attached yet learns of it when it attaches.
    }

    private synchronized void onGraceOver(UUID instanceId) {
        RunningTask task = running.get(instanceId);
        if (task == null || closed) {
            return;
        }
        LOG.warn("instance {} still running {} after its cancellation: killing its process tree", instanceId,
                task.definition.cancellationGrace());
        task.killedAfterGrace = true;
        task.process.kill();
    }

    private synchronized void onExit(UUID instanceId, ExitStatus status, Throwable error) {
        RunningTask task = running.remove(instanceId);
        if (task == null) {
            return;
        }
        runningByToken.remove(task.row.runToken());
        task.stopTimers();
        Completion completion = error != null
                ? new Completion(TaskOutcome.FAILED, null, error.getClass().getName(),
                        "lost track of the task process: " + error.getMessage())
                : Completion.of(task, status);
        Long peak = status == null || status.peakMemoryBytes() <= 0 ? null : status.peakMemoryBytes();
        Integer exitCode = status == null ? null : status.exitCode();
        LOG.info("instance {} completed: {}{}{}", instanceId, completion.outcome(),
                completion.terminationReason() == null ? "" : " " + completion.terminationReason(),
                completion.errorMessage() == null ? "" : " - " + completion.errorMessage());
        complete(task.row, completion, exitCode, peak);
    }

    /** Stores the completion, then tells the app (SPEC B4, X3). */
    private void complete(InstanceRow row, Completion completion, Integer exitCode, Long peakMemoryBytes) {
        if (closed) {
            // A closed broker records nothing: the next one re-adopts or records the task (SPEC B3).
            return;
        }
        InstanceRow done = row.completed(completion.outcome(), completion.terminationReason(),
                completion.errorClass(), completion.errorMessage(), exitCode, peakMemoryBytes, clock.now());
        store.write(tx -> {
            tx.updateInstance(done);
            return null;
        });
        publish(done.appId(), new AppEvent.Completed(toInfo(done, null, null)));
    }

    // ---- The task host's side (SPEC S2) ----

    /**
     * A task host connects with its run token. For a running instance it becomes the instance's control line; for
     * an instance a previous broker started, it is re-adopted (SPEC B3).
     *
     * @throws IllegalArgumentException for a token that belongs to no running instance (SPEC S2)
     */
    public synchronized HostAttachment attachHost(String runToken, HostControl control) {
        ensureOpen();
        RunningTask task = Optional.ofNullable(runningByToken.get(runToken)).map(running::get)
                .orElseGet(() -> readopt(runToken));
        task.host = control;
        if (task.cancelReason() != null) {
            control.cancel(task.cancelReason());
        }
        InstanceRow row = task.row;
        String entryPoint = task.definition.target() instanceof TaskTarget.JavaEntryPoint java
                ? java.className() : null;
        return new HostAttachment(row.instanceId(), row.taskId(), row.appId(), task.definition.name(), entryPoint,
                row.arguments().clone(), task.readopted, signals.current().backgroundWorkCost());
    }

    /** The task reports progress, 0 to 100 (SPEC X2). */
    public synchronized void reportProgress(String runToken, int progress) {
        if (progress < 0 || progress > 100) {
            throw new IllegalArgumentException("progress must be 0 to 100, got " + progress);
        }
        RunningTask task = requireRunning(runToken);
        InstanceRow updated = task.row.withProgress(progress);
        store.write(tx -> {
            tx.updateInstance(updated);
            return null;
        });
        task.row = updated;
        publish(updated.appId(), new AppEvent.Progress(updated.taskId(), updated.instanceId(), progress));
    }

    /**
     * The task host reports how {@code run} ended, just before its process exits (SPEC X3, X4).
     *
     * @param errorClass the exception class when {@code run} threw, else null
     * @param errorMessage its message, else null
     */
    public synchronized void reportResult(String runToken, String errorClass, String errorMessage) {
        RunningTask task = requireRunning(runToken);
        task.resultReported = true;
        task.reportedErrorClass = errorClass;
        task.reportedErrorMessage = errorMessage;
    }

    /** The task tree's memory and the limit in force, as the sandbox measures them (SPEC X11). */
    public synchronized MemoryReport memoryOf(String runToken) {
        RunningTask task = requireRunning(runToken);
        var usage = task.process.usage();
        return new MemoryReport(usage.memoryBytes(), usage.peakMemoryBytes(),
                task.memoryLimit == null ? 0 : task.memoryLimit);
    }

    /**
     * SPEC X11: the task asks for a new memory limit. Refused below its current usage, above the registration's
     * limit, and where the sandbox cannot change a running task's limit.
     */
    public synchronized boolean trySetMemoryLimit(String runToken, long bytes) {
        RunningTask task = requireRunning(runToken);
        Long allowed = task.definition.limits().memoryBytes();
        if (bytes < task.process.usage().memoryBytes() || (allowed != null && bytes > allowed)) {
            return false;
        }
        if (!task.process.setMemoryLimit(bytes)) {
            return false;
        }
        task.memoryLimit = bytes;
        LOG.info("instance {} set its memory limit to {} bytes", task.row.instanceId(), bytes);
        return true;
    }

    /** The host's connection closed; its process may still be running. */
    public synchronized void detachHost(String runToken) {
        UUID instanceId = runningByToken.get(runToken);
        RunningTask task = instanceId == null ? null : running.get(instanceId);
        if (task != null) {
            task.host = null;
        }
    }

    private RunningTask requireRunning(String runToken) {
        UUID instanceId = runningByToken.get(runToken);
        RunningTask task = instanceId == null ? null : running.get(instanceId);
        if (task == null) {
            throw new IllegalArgumentException("the run token belongs to no running instance");
        }
        return task;
    }

    // ---- Recovery after a broker restart (SPEC B3, T7) ----

    private synchronized void recover() {
        List<InstanceRow> wasRunning = store.read(tx -> tx.instancesInState(InstanceState.RUNNING));
        for (InstanceRow row : wasRunning) {
            Optional<TaskDefinition> definition = definitionOf(row);
            if (definition.isPresent() && !(definition.get().target() instanceof TaskTarget.JavaEntryPoint)) {
                // A command has no host to reconnect: take it back by pid, if it is still ours.
                Optional<SandboxedProcess> process = row.pid() == null ? Optional.empty()
                        : sandbox.adopt(row.pid(), row.runToken(), definition.get().limits());
                if (process.isPresent()) {
                    adoptLocked(row, definition.get(), process.get());
                    continue;
                }
            }
            awaitingReadoption.put(row.runToken(), row);
        }
        if (!awaitingReadoption.isEmpty()) {
            if (sandbox.canReadopt()) {
                LOG.info("{} task(s) were running under the previous broker; waiting {} for them to reconnect",
                        awaitingReadoption.size(), config.readoptWindow());
                readoptTimer = clock.schedule(config.readoptWindow(), this::expireReadoption);
            } else {
                LOG.info("this platform cannot re-adopt tasks; {} task(s) of the previous broker are lost",
                        awaitingReadoption.size());
                expireReadoption();
            }
        }
        startPendingWhereConditionsHold();
    }

    private Optional<TaskDefinition> definitionOf(InstanceRow row) {
        return store.read(tx -> tx.registration(row.taskId()))
                .map(r -> DefinitionCodec.decode(r.name(), r.triggerName(), r.definitionJson()));
    }

    private RunningTask readopt(String runToken) {
        InstanceRow row = awaitingReadoption.get(runToken);
        if (row == null) {
            throw new IllegalArgumentException("the run token belongs to no running instance");
        }
        Optional<TaskDefinition> definition = definitionOf(row);
        Optional<SandboxedProcess> process = definition.isEmpty() || row.pid() == null ? Optional.empty()
                : sandbox.adopt(row.pid(), runToken, definition.get().limits());
        if (process.isEmpty()) {
            awaitingReadoption.remove(runToken);
            killAsLost(row);
            throw new IllegalArgumentException("instance " + row.instanceId()
                    + " could not be re-adopted and was recorded as lost");
        }
        awaitingReadoption.remove(runToken);
        return adoptLocked(row, definition.get(), process.get());
    }

    private RunningTask adoptLocked(InstanceRow row, TaskDefinition definition, SandboxedProcess process) {
        RunningTask task = new RunningTask(row, definition, process);
        task.readopted = true;
        track(task);
        Duration elapsed = Duration.between(row.startedAt(), clock.now());
        task.budgetTimer = clock.schedule(definition.limits().effectiveWallClock().minus(elapsed),
                () -> onBudgetSpent(row.instanceId()));
        if (row.cancelReason() != null) {
            Duration graceLeft = definition.cancellationGrace()
                    .minus(Duration.between(row.cancelRequestedAt(), clock.now()));
            task.graceTimer = clock.schedule(graceLeft, () -> onGraceOver(row.instanceId()));
        }
        LOG.info("instance {} re-adopted (pid {})", row.instanceId(), process.pid());
        return task;
    }

    private synchronized void expireReadoption() {
        if (closed) {
            return;
        }
        for (InstanceRow row : List.copyOf(awaitingReadoption.values())) {
            killAsLost(row);
        }
        awaitingReadoption.clear();
    }

    private void killAsLost(InstanceRow row) {
        boolean killed = row.pid() != null && sandbox.killOrphan(row.pid(), row.runToken());
        LOG.warn("instance {} did not reconnect after the broker restarted; {}recorded as BROKER_LOST",
                row.instanceId(), killed ? "killed what was left of it and " : "");
        complete(row, Completion.terminated(TerminationReason.BROKER_LOST,
                "the broker that started it died and it did not reconnect within " + config.readoptWindow()),
                null, null);
    }

    // ---- Signals (SPEC X7–X9, T7) ----

    private synchronized void onSignalsChanged() {
        if (closed) {
            return;
        }
        SignalSnapshot now = signals.current();
        boolean energySaver = now.is(HostSignal.ENERGY_SAVER, true);
        for (RunningTask task : List.copyOf(running.values())) {
            if (task.cancelReason() != null) {
                continue;
            }
            if (energySaver && accessStatus(task.row.appId()) != BackgroundAccessStatus.ALWAYS_ALLOWED) {
                cancelLocked(task, BackgroundTaskCancellationReason.ENERGY_SAVER);
            } else if (task.definition.cancelOnConditionLoss()) {
                Set<SystemConditionType> lost = ConditionRules.unmet(task.definition.conditions(), now);
                if (!lost.isEmpty()) {
                    LOG.info("instance {} lost {}", task.row.instanceId(), lost);
                    cancelLocked(task, BackgroundTaskCancellationReason.CONDITION_LOSS);
                }
            }
        }
        startPendingWhereConditionsHold();
    }

    @Override
    public SignalSnapshot signals() {
        return signals.current();
    }

    @Override
    public void simulate(Map<HostSignal, Boolean> overrides) {
        LOG.info("simulated signals: {}", overrides);
        signals.override(overrides);
    }

    @Override
    public String describePlatform() {
        return config.platform().name() + "\n  sandbox: " + sandbox.describe() + "\n  signals:\n"
                + signals.describe();
    }

    @Override
    public void clearSimulation() {
        LOG.info("simulated signals cleared");
        signals.clear();
    }

    // ---- Instances and completions (SPEC X5) ----

    @Override
    public List<InstanceInfo> instances(String appId) {
        RegistrationValidator.requireAppId(appId);
        SignalSnapshot now = signals.current();
        return store.read(tx -> {
            List<InstanceInfo> infos = new ArrayList<>();
            for (InstanceRow row : tx.instances(appId, INSTANCE_LIST_LIMIT)) {
                if (row.state() != InstanceState.PENDING) {
                    infos.add(toInfo(row, null, null));
                    continue;
                }
                Optional<TaskDefinition> definition = tx.registration(row.taskId())
                        .map(r -> DefinitionCodec.decode(r.name(), r.triggerName(), r.definitionJson()));
                Set<SystemConditionType> unmet = definition
                        .map(d -> ConditionRules.unmet(d.conditions(), now)).orElse(Set.of());
                BackgroundAccessStatus status = tx.accessStatus(appId).orElse(BackgroundAccessStatus.UNSPECIFIED);
                boolean saver = now.is(HostSignal.ENERGY_SAVER, true)
                        && status != BackgroundAccessStatus.ALWAYS_ALLOWED;
                infos.add(toInfo(row, unmet, saver));
            }
            return infos;
        });
    }

    @Override
    public List<InstanceInfo> undeliveredCompletions(String appId) {
        RegistrationValidator.requireAppId(appId);
        return store.read(tx -> tx.undeliveredCompletions(appId)).stream()
                .map(row -> toInfo(row, null, null)).toList();
    }

    @Override
    public boolean claimCompletion(String appId, UUID instanceId) {
        RegistrationValidator.requireAppId(appId);
        return store.write(tx -> tx.instance(instanceId)
                .filter(row -> row.appId().equals(appId) && row.state() == InstanceState.COMPLETED)
                .map(row -> tx.markDelivered(instanceId))
                .orElse(false));
    }

    private static InstanceInfo toInfo(InstanceRow row, Set<SystemConditionType> waitingFor, Boolean energySaver) {
        return new InstanceInfo(row.instanceId(), row.taskId(), row.appId(), row.triggerName(), row.state(),
                row.progress(), row.outcome(), row.cancelReason(), row.terminationReason(), row.errorClass(),
                row.errorMessage(), row.exitCode(), row.peakMemoryBytes(),
                row.state() == InstanceState.RUNNING ? row.pid() : null, row.requestedAt(), row.startedAt(),
                row.endedAt(), waitingFor, Boolean.TRUE.equals(energySaver));
    }

    @Override
    public AutoCloseable subscribe(String appId, Consumer<AppEvent> listener) {
        RegistrationValidator.requireAppId(appId);
        List<Consumer<AppEvent>> list = subscribers.computeIfAbsent(appId, id -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    private void publish(String appId, AppEvent event) {
        for (Consumer<AppEvent> listener : subscribers.getOrDefault(appId, List.of())) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("an event listener of {} failed on {}", appId, event, e);
            }
        }
    }

    // ---- Life ----

    /** Whether this platform can take back tasks after a broker restart. */
    public boolean canReadopt() {
        return sandbox.canReadopt();
    }

    /**
     * Stops the broker and releases the store. Running tasks keep running; the next broker re-adopts them or
     * records them as lost (SPEC B3).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running.values().forEach(RunningTask::stopTimers);
            if (readoptTimer != null) {
                readoptTimer.cancel();
            }
        }
        try {
            signalSubscription.close();
        } catch (Exception e) {
            LOG.warn("closing the signal subscription failed", e);
        }
        signals.close();
        archives.close();
        clock.shutdown();
        store.close();
        LOG.info("broker stopped");
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the broker is closed");
        }
    }

    private static String triggerLabel(String triggerName) {
        return triggerName.isEmpty() ? "(default)" : "'" + triggerName + "'";
    }
}
