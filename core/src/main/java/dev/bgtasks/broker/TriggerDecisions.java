package dev.bgtasks.broker;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.IfRunning;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.RegistrationRow;
import dev.bgtasks.store.StoreTransaction;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer to a trigger (SPEC T1–T7), in DESIGN.md's order: from inside a task → {@code DISABLED_BY_POLICY}; no
 * registration → {@code UNKNOWN_ERROR}; access denied, or energy saver on without {@code ALWAYS_ALLOWED} →
 * {@code DISABLED_BY_POLICY}; an instance of the trigger pending or running → {@code CURRENTLY_RUNNING} (T4), unless
 * the request says {@code REPLACE} or {@code QUEUE_ONE} (P3); else a new pending instance and {@code ALLOWED}, started
 * at once if its conditions hold (T7). Broker-fired triggers decide here too (Y4).
 *
 * <pre>{@code
 * TriggerDecisions.check(request);                     // outside the lock: argument size, names
 * TriggerResponse response = triggers.decide(request, null); // under the broker's lock; null: answered on return
 * }</pre>
 *
 * <p>T4 holds under any number of callers because {@link #decide} runs under the broker's lock and creates the
 * instance in the same store transaction that found the slot empty.
 */
final class TriggerDecisions {
    /** How many triggers {@link #remembered} keeps read inputs for before it starts afresh. */
    private static final int REMEMBERED_TRIGGERS = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final byte[] NO_ARGUMENTS = ValueMapCodec.encode(Map.of());

    private final BrokerContext ctx;
    private final SignalReactions reactions;
    private final TaskRuns runs;
    /** Per app and trigger name, guarded by the broker's lock; see {@link #remembered}. */
    private final Map<String, RememberedInputs> triggerInputs = new HashMap<>();
    /** Set once by the broker: hears of each created instance (the standby pool, SPEC W2). */
    private java.util.function.Consumer<InstanceRow> created = row -> { };
    /** Set once by the broker: the run token of a new pending instance, by task and instance (SPEC B4, W1). */
    private java.util.function.BiFunction<UUID, UUID, String> pendingToken = (task, instance) -> RunToken.newToken();

    TriggerDecisions(BrokerContext ctx, SignalReactions reactions, TaskRuns runs) {
        this.ctx = ctx;
        this.reactions = reactions;
        this.runs = runs;
    }

    /** What needs no lock: the names (T2) and the arguments' size (T6). */
    static void check(TriggerRequest request) {
        RegistrationValidator.requireAppId(request.appId());
        RegistrationValidator.requireTriggerName(request.triggerName());
        if (request.arguments().length > Broker.MAX_ARGUMENT_BYTES) {
            throw new IllegalArgumentException("arguments encode to " + request.arguments().length
                    + " bytes, more than the limit of " + Broker.MAX_ARGUMENT_BYTES);
        }
        if (request.debugPort() != null && (request.debugPort() < 1 || request.debugPort() > 65_535)) {
            throw new IllegalArgumentException("debugPort must be 1 to 65535, got " + request.debugPort());
        }
    }

    /** A debugger waits only for a Java task's JVM: a command's program speaks no JDWP. */
    private void requireJavaTaskForDebug(TriggerRequest request) {
        if (request.debugPort() == null) {
            return;
        }
        ctx.store.read(tx -> tx.registrationForTrigger(request.appId(), request.triggerName()))
                .map(DefinitionCodec::decode)
                .filter(definition -> !(definition.target() instanceof TaskTarget.JavaEntryPoint))
                .ifPresent(definition -> {
                    throw new IllegalArgumentException("task " + definition.name() + " runs a command; only a Java "
                            + "task's JVM can wait for a debugger");
                });
    }

    /**
     * What hears of each instance a trigger creates, before it may start (the standby pool, SPEC W2); set once by
     * the broker.
     */
    void onCreated(java.util.function.Consumer<InstanceRow> action) {
        this.created = action;
    }

    /**
     * What gives a new pending instance its run token: a standby's, lent so that the take needs no durable commit of
     * its own (SPEC B4 as amended, W1); set once by the broker.
     */
    void tokensFrom(java.util.function.BiFunction<UUID, UUID, String> source) {
        this.pendingToken = source;
    }

    /**
     * Decides under the broker's lock; a new instance is durable before the answer (SPEC B4).
     *
     * @param answerBeforeStart when not null, gets the answer once it is durable and before a start is tried, so
     *     that its caller can send it without waiting for the launch
     */
    TriggerResponse decide(TriggerRequest request, Consumer<TriggerResponse> answerBeforeStart) {
        if (request.callerRunToken() != null) {
            LOG.info("trigger {} of {} requested from inside a task: DISABLED_BY_POLICY",
                    Registrations.triggerLabel(request.triggerName()), request.appId());
            return new TriggerResponse(ApplicationTriggerResult.DISABLED_BY_POLICY, null);
        }
        boolean energySaver = ctx.signals.current().is(HostSignal.ENERGY_SAVER, true);
        Instant now = ctx.clock.now();
        // Most repeated triggers are refused; deciding that needs no write lock and no commit, and an app that
        // asks in a loop reads the same rows until something is written. Under this broker's lock nothing can
        // change between the read and the write.
        IfRunning ifRunning = request.ifRunning();
        requireJavaTaskForDebug(request);
        RememberedInputs known = remembered(request);
        Decision decision = refusal(known.inputs(), energySaver, ifRunning);
        if (decision == null) {
            if (ifRunning == IfRunning.REPLACE) {
                replaceHolders(request);
            }
            decision = ctx.store.write(tx -> {
                // What was read at this generation is what the file holds: the write needs no second read (issue 15).
                TriggerInputs inputs = ctx.store.generation() == known.generation() ? known.inputs()
                        : TriggerInputs.read(tx, request);
                Decision refused = refusal(inputs, energySaver, ifRunning);
                return refused != null ? refused : create(tx, inputs, request, now);
            });
        }
        if (decision.response().result() == ApplicationTriggerResult.CURRENTLY_RUNNING) {
            // An app may ask in a loop; the slot's instance is what the log already tells.
            LOG.debug("trigger {} of {}: CURRENTLY_RUNNING ({})", Registrations.triggerLabel(request.triggerName()),
                    request.appId(), decision.why());
        } else {
            LOG.info("trigger {} of {}: {}{}", Registrations.triggerLabel(request.triggerName()), request.appId(),
                    decision.response().result(), decision.why().isEmpty() ? "" : " (" + decision.why() + ")");
        }
        if (decision.created() != null) {
            created.accept(decision.created());
        }
        if (decision.created() != null && request.debugPort() != null) {
            runs.debugOnLaunch(decision.created().instanceId(), request.debugPort());
        }
        if (answerBeforeStart != null) {
            answerBeforeStart.accept(decision.response());
        }
        if (decision.created() != null && decision.created().state() == InstanceState.PENDING) {
            // The registration and access this decision read, under the same lock: the start reads neither again.
            reactions.tryStart(decision.created(), decision.registration(), decision.access());
        }
        return decision.response();
    }

    /**
     * SPEC P3 {@code REPLACE}: a queued instance and a pending one complete cancelled ({@code ABORT}) at once; a
     * running one is asked to stop, and the new instance queues behind it until it has.
     */
    private void replaceHolders(TriggerRequest request) {
        TriggerInputs inputs = ctx.store.read(tx -> TriggerInputs.read(tx, request));
        inputs.queued().ifPresent(queued -> reactions.cancelPending(request.appId(), queued.instanceId()));
        inputs.active().ifPresent(active -> {
            LOG.info("instance {} is replaced by a new request", active.instanceId());
            if (active.state() == InstanceState.PENDING) {
                reactions.cancelPending(request.appId(), active.instanceId());
            } else {
                runs.cancelIfRunning(active.instanceId(), BackgroundTaskCancellationReason.ABORT);
            }
        });
    }

    /** SPEC P3: when the instance holding a slot completes, the instance queued behind it becomes pending. */
    void promoteQueued(String appId, String triggerName) {
        // Most completions have nothing queued behind them: a read says so without a write transaction (SPEC B4
        // as amended: a completion is one durable commit).
        if (ctx.store.read(tx -> queuedIn(tx, appId, triggerName)).isEmpty()) {
            return;
        }
        Optional<InstanceRow> promoted = ctx.store.write(tx -> {
            if (tx.activeInstance(appId, triggerName).isPresent()) {
                return Optional.<InstanceRow>empty();
            }
            Optional<InstanceRow> queued = queuedIn(tx, appId, triggerName).map(InstanceRow::promoted);
            queued.ifPresent(tx::updateInstance);
            return queued;
        });
        promoted.ifPresent(row -> {
            LOG.info("queued instance {} of {} is pending", row.instanceId(), appId);
            reactions.tryStart(row);
        });
    }

    /** At start: an instance queued behind one that ended while no broker ran. */
    void promoteAllQueued() {
        for (InstanceRow queued : ctx.store.read(tx -> tx.instancesInState(InstanceState.QUEUED))) {
            promoteQueued(queued.appId(), queued.triggerName());
        }
    }

    private static Optional<InstanceRow> queuedIn(StoreTransaction tx, String appId, String triggerName) {
        return tx.instancesInState(InstanceState.QUEUED).stream()
                .filter(i -> i.appId().equals(appId) && i.triggerName().equals(triggerName)).findFirst();
    }

    /**
     * SPEC Y4: a broker-fired trigger is a request with empty arguments and the same decision; a fire refused
     * (an instance pending or running, access, energy saver) is dropped, and logged.
     */
    TriggerResponse fire(RegistrationRow registration, String why) {
        return fire(registration, why, NO_ARGUMENTS);
    }

    /** {@link #fire(RegistrationRow, String)} with arguments of the broker's: a device trigger's device (SPEC H8). */
    TriggerResponse fire(RegistrationRow registration, String why, byte[] arguments) {
        TriggerResponse response = decide(new TriggerRequest(registration.appId(), registration.triggerName(),
                arguments.clone(), null), null);
        if (response.result() == ApplicationTriggerResult.ALLOWED) {
            LOG.info("task {} '{}' of {} fired ({}): instance {}", registration.taskId(), registration.name(),
                    registration.appId(), why, response.instanceId());
        } else {
            LOG.info("task {} '{}' of {} fired ({}) but the fire is dropped: {}", registration.taskId(),
                    registration.name(), registration.appId(), why, response.result());
        }
        return response;
    }

    /** @param registration and {@code access}: what was read for a created instance, else null */
    private record Decision(TriggerResponse response, InstanceRow created, RegistrationRow registration,
                            BackgroundAccessStatus access, String why) {
        static Decision of(ApplicationTriggerResult result, UUID instanceId, String why) {
            return new Decision(new TriggerResponse(result, instanceId), null, null, null, why);
        }
    }

    /** What the store says of one trigger: all that a refusal is decided from. */
    private record TriggerInputs(Optional<RegistrationRow> registration, BackgroundAccessStatus access,
                                 Optional<InstanceRow> active, Optional<InstanceRow> queued) {
        static TriggerInputs read(StoreTransaction tx, TriggerRequest request) {
            Optional<InstanceRow> active = tx.activeInstance(request.appId(), request.triggerName());
            return new TriggerInputs(tx.registrationForTrigger(request.appId(), request.triggerName()),
                    tx.accessStatus(request.appId()).orElse(BackgroundAccessStatus.UNSPECIFIED), active,
                    // Only an occupied slot can have an instance queued behind it.
                    active.isEmpty() ? Optional.empty() : queuedIn(tx, request.appId(), request.triggerName()));
        }
    }

    /** Inputs read at one store generation: valid while nothing has been written since. */
    private record RememberedInputs(long generation, TriggerInputs inputs) {
    }

    /**
     * The trigger's inputs, read again only when the store was written since they were last read. The generation
     * is taken before the read, so a write that lands during it makes the entry stale at once.
     */
    private RememberedInputs remembered(TriggerRequest request) {
        String key = request.appId() + '\n' + request.triggerName();
        long generation = ctx.store.generation();
        RememberedInputs entry = triggerInputs.get(key);
        if (entry != null && entry.generation() == generation) {
            return entry;
        }
        TriggerInputs inputs = ctx.store.read(tx -> TriggerInputs.read(tx, request));
        if (triggerInputs.size() >= REMEMBERED_TRIGGERS) {
            // Any name may be asked for, registered or not: the memory stays bounded.
            triggerInputs.clear();
        }
        entry = new RememberedInputs(generation, inputs);
        triggerInputs.put(key, entry);
        return entry;
    }

    /**
     * The decision order of DESIGN.md: registration, access and energy saver, the slot; null when a new instance
     * is due.
     */
    private static Decision refusal(TriggerInputs inputs, boolean energySaver, IfRunning ifRunning) {
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
        boolean queueFull = ifRunning == IfRunning.QUEUE_ONE && inputs.queued().isPresent();
        if (active.isPresent() && (ifRunning == IfRunning.KEEP || queueFull)) {
            return Decision.of(ApplicationTriggerResult.CURRENTLY_RUNNING, active.get().instanceId(),
                    "instance " + active.get().instanceId() + " is " + active.get().state()
                            + (queueFull ? " and " + inputs.queued().get().instanceId() + " is queued" : ""));
        }
        return null;
    }

    /**
     * A new pending instance in the trigger's slot (T5, T6: the arguments are copied), or one queued behind the
     * instance holding it (P3).
     */
    private Decision create(StoreTransaction tx, TriggerInputs inputs, TriggerRequest request, Instant now) {
        RegistrationRow registration = inputs.registration().orElseThrow();
        UUID taskId = registration.taskId();
        UUID instanceId = UUID.randomUUID();
        InstanceRow created = inputs.active().isPresent()
                ? InstanceRow.queued(instanceId, taskId, request.appId(), request.triggerName(),
                        request.arguments().clone(), RunToken.newToken(), now)
                // A debugged instance starts cold, its JVM waiting for the debugger: no standby's token for it.
                : InstanceRow.pending(instanceId, taskId, request.appId(), request.triggerName(),
                        request.arguments().clone(), request.debugPort() != null ? RunToken.newToken()
                                : pendingToken.apply(taskId, instanceId), now);
        tx.insertInstance(created);
        return new Decision(new TriggerResponse(ApplicationTriggerResult.ALLOWED, created.instanceId()), created,
                registration, inputs.access(), "instance " + created.instanceId() + (inputs.active().isPresent()
                        ? " queued behind " + inputs.active().get().instanceId() : ""));
    }
}
