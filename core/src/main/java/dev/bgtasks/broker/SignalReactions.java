package dev.bgtasks.broker;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.HardwareCondition;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.RegistrationRow;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broker does when a host signal changes, and the pending instances that wait for one. A pending instance
 * starts once all its conditions hold, and only once (SPEC T7, the latch); a running one is cancelled when a
 * condition it asked to keep is lost (X8) or energy saver comes on for an app not {@code ALWAYS_ALLOWED} (X9).
 * Conditions are re-evaluated when a signal changes, never on a timer.
 *
 * <pre>{@code
 * signals.subscribe(ignored -> reactions.onSignalsChanged());
 * reactions.tryStart(pending);          // right after a trigger, under the broker's lock
 * }</pre>
 */
final class SignalReactions {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final TaskRuns runs;
    /**
     * What each pending instance waited for when last looked at (conditions, hardware conditions, fixtures);
     * guarded by the broker's lock.
     */
    private final Map<UUID, Set<String>> lastUnmet = new HashMap<>();

    SignalReactions(BrokerContext ctx, TaskRuns runs) {
        this.ctx = ctx;
        this.runs = runs;
    }

    /** Called by the signals, on their thread: takes the broker's lock. */
    void onSignalsChanged() {
        synchronized (ctx.lock) {
            if (ctx.closed) {
                return;
            }
            SignalSnapshot now = ctx.signals.current();
            boolean energySaver = now.is(HostSignal.ENERGY_SAVER, true);
            for (RunningTask task : runs.all()) {
                if (task.cancelReason() != null) {
                    continue;
                }
                if (energySaver && ctx.accessStatus(task.row.appId()) != BackgroundAccessStatus.ALWAYS_ALLOWED) {
                    runs.cancel(task, BackgroundTaskCancellationReason.ENERGY_SAVER);
                } else if (task.definition.cancelOnConditionLoss()) {
                    Set<String> lost = ConditionRules.labels(
                            ConditionRules.unmet(task.definition.conditions(), now),
                            ConditionRules.unmetHardware(task.definition.rig().hardwareConditions(), now), List.of());
                    if (!lost.isEmpty()) {
                        LOG.info("instance {} lost {}", task.row.instanceId(), lost);
                        runs.cancel(task, BackgroundTaskCancellationReason.CONDITION_LOSS);
                    }
                }
            }
            startPendingWhereConditionsHold();
        }
    }

    void startPendingWhereConditionsHold() {
        for (InstanceRow pending : ctx.store.read(tx -> tx.instancesInState(InstanceState.PENDING))) {
            tryStart(pending);
        }
    }

    /**
     * Starts a pending instance if its conditions, hardware ones included, hold and nothing holds it back (SPEC T7,
     * X9, H1), and no other running instance holds a fixture it uses (F1). Pending instances are looked at in
     * request order, so a freed fixture goes to the oldest that can start (F2).
     */
    void tryStart(InstanceRow pending) {
        if (pending.nextAttemptAt() != null) {
            return; // SPEC P1: still in its retry backoff; Retries starts it when that is over
        }
        ctx.store.read(tx -> tx.registration(pending.taskId()))
                .ifPresent(registration -> start(pending, registration, ctx.accessStatus(pending.appId())));
    }

    /**
     * {@link #tryStart(InstanceRow)} with the instance's registration and its app's access as its caller read them
     * under the broker's lock (a trigger's decision, in the transaction that created the instance): the start reads
     * them no second time.
     */
    void tryStart(InstanceRow pending, RegistrationRow registration, BackgroundAccessStatus status) {
        if (pending.nextAttemptAt() != null) {
            return; // SPEC P1
        }
        start(pending, registration, status);
    }

    private void start(InstanceRow pending, RegistrationRow registration, BackgroundAccessStatus status) {
        TaskDefinition definition = DefinitionCodec.decode(registration);
        SignalSnapshot now = ctx.signals.current();
        if (status.isDenied()) {
            return;
        }
        if (BrokerContext.energySaverHoldsBack(now, status)) {
            return;
        }
        Set<SystemConditionType> unmetSystem = ConditionRules.unmet(definition.conditions(), now);
        List<HardwareCondition> unmetHardware = ConditionRules.unmetHardware(definition.rig().hardwareConditions(), now);
        List<String> busy = definition.rig().uses().isEmpty() ? List.of()
                : SharedFixtures.busy(definition, holders());
        Set<String> unmet = ConditionRules.labels(unmetSystem, unmetHardware, busy);
        logConditionChanges(pending, unmet);
        if (unmet.isEmpty()) {
            lastUnmet.remove(pending.instanceId());
            runs.launch(pending, definition);
        }
    }

    /**
     * Who holds which fixture: the store's running instances, and the ones this broker runs whose registration is
     * gone (unregistered with {@code cancelTask=false}, still running to its end).
     */
    private Map<String, UUID> holders() {
        Map<String, UUID> held = ctx.store.read(SharedFixtures::holders);
        for (RunningTask task : runs.all()) {
            task.definition.rig().uses().forEach(r -> held.putIfAbsent(r, task.row.instanceId()));
        }
        return held;
    }

    private void logConditionChanges(InstanceRow pending, Set<String> unmet) {
        Set<String> before = lastUnmet.get(pending.instanceId());
        if (before == null) {
            if (!unmet.isEmpty()) {
                LOG.info("instance {} of {} is pending, waiting for {}", pending.instanceId(), pending.appId(), unmet);
            }
        } else {
            for (String condition : before) {
                if (!unmet.contains(condition)) {
                    LOG.info("instance {}: condition {} now holds", pending.instanceId(), condition);
                }
            }
            for (String condition : unmet) {
                if (!before.contains(condition)) {
                    LOG.info("instance {}: condition {} no longer holds", pending.instanceId(), condition);
                }
            }
        }
        lastUnmet.put(pending.instanceId(), Set.copyOf(unmet));
    }

    /** The instance waits no more (unregistered, cancelled): its latch goes. */
    void forget(UUID instanceId) {
        lastUnmet.remove(instanceId);
    }

    /** The app cancels an instance: a running one is asked to stop (X6); a pending one leaves the latch, cancelled. */
    boolean cancel(String appId, UUID instanceId) {
        return runs.isRunning(instanceId) ? runs.cancel(appId, instanceId) : cancelPending(appId, instanceId);
    }

    /**
     * The app cancels an instance that has not started (pending, or queued behind another, SPEC P3): it completes
     * as cancelled ({@code ABORT}).
     */
    boolean cancelPending(String appId, UUID instanceId) {
        Optional<InstanceRow> pending = ctx.store.read(tx -> tx.instance(instanceId))
                .filter(i -> i.appId().equals(appId)
                        && (i.state() == InstanceState.PENDING || i.state() == InstanceState.QUEUED));
        pending.ifPresent(row -> {
            forget(instanceId);
            LOG.info("pending instance {} cancelled before it started", instanceId);
            runs.complete(row.cancelled(BackgroundTaskCancellationReason.ABORT, ctx.clock.now()),
                    new Completion(TaskOutcome.CANCELED, null, null, null), null, null);
        });
        return pending.isPresent();
    }

    void simulate(Map<HostSignal, Boolean> overrides) {
        LOG.info("simulated signals: {}", overrides);
        ctx.signals.override(overrides);
    }

    void simulateHardware(HardwareReadings overrides) {
        LOG.info("simulated hardware: {}", overrides);
        ctx.signals.overrideHardware(overrides);
    }

    void clearSimulation() {
        LOG.info("simulated signals cleared");
        ctx.signals.clear();
    }
}
