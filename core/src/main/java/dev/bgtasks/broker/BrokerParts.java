package dev.bgtasks.broker;

import dev.bgtasks.launch.JavaLauncher;
import dev.bgtasks.launch.JvmRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's parts, one per SPEC group, wired to each other once: which part hears of which. {@link Broker} owns
 * them with the lock; nothing else holds them.
 *
 * <pre>{@code
 * BrokerParts parts = new BrokerParts(ctx);
 * parts.triggers.decide(request, null); // under the broker's lock
 * }</pre>
 */
final class BrokerParts {
    /** The parts log under the broker's name, so the broker's log reads as before they were parts. */
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    final JavaLauncher launcher;
    final Completions completions;
    final RetentionSweeper retention;
    final Retries retries;
    final TaskRuns runs;
    final SignalReactions reactions;
    final TriggerDecisions triggers;
    final TriggerSchedules schedules;
    final SystemTransitions transitions;
    final DeviceTransitions devices;
    final Registrations registrations;
    final AccessControl access;
    final Recovery recovery;
    final HostSessions hosts;
    final Standbys standbys;

    BrokerParts(BrokerContext ctx) {
        BrokerConfig config = ctx.config;
        JvmRuntime runtime = JvmRuntime.detect(config.javaExecutable(), config.environment(),
                config.home().resolve("launchers"));
        LOG.info("Java tasks start with {}", runtime.describe());
        this.launcher = JavaLauncher.create(runtime, config.javaStartArchives());
        this.completions = new Completions(ctx);
        this.retention = new RetentionSweeper(ctx);
        this.retries = new Retries(ctx);
        this.runs = new TaskRuns(ctx, launcher, completions, retention, retries);
        this.reactions = new SignalReactions(ctx, runs);
        retries.onBackoffOver(reactions::tryStart);
        this.triggers = new TriggerDecisions(ctx, reactions, runs);
        runs.onSlotFreed(done -> {
            // SPEC F2: a freed fixture goes to the oldest pending instance that can start, before a queued one
            // (P3) becomes pending behind it.
            reactions.startPendingWhereConditionsHold();
            triggers.promoteQueued(done.appId(), done.triggerName());
        });
        this.schedules = new TriggerSchedules(ctx, triggers);
        this.transitions = new SystemTransitions(ctx, triggers);
        this.devices = new DeviceTransitions(ctx, triggers);
        this.registrations = new Registrations(ctx, launcher, runs, reactions, schedules);
        this.access = new AccessControl(ctx, registrations, runs, reactions);
        this.recovery = new Recovery(ctx, runs);
        this.hosts = new HostSessions(ctx, runs, recovery, completions);
        this.standbys = new Standbys(ctx, launcher);
        runs.useStandbys(standbys);
        triggers.onCreated(standbys::triggered);
        triggers.tokensFrom(standbys::tokenFor);
    }

    /**
     * After a signal change, under the broker's lock: the system triggers on the transition (Y3), the device triggers
     * on a device attached or detached (H8), then a maintenance fire waiting for AC (Y2).
     */
    void fireOnTransition() {
        transitions.onSignalsChanged();
        devices.onSignalsChanged();
        schedules.run();
        // SPEC W2: energy saver or battery power ends the standbys.
        standbys.reconcile();
    }

    /**
     * SPEC B3, T7, Y5, A5, B7, P1, under the broker's lock: takes back what the previous broker left, applies the
     * policy, resumes retry backoffs, starts what may start, fires what is due, and prunes what is old.
     */
    void recover() {
        recovery.recover();
        // Before anything may start a standby: what earlier standbys left, now that recovery has read it.
        standbys.deleteLeftovers();
        registrations.refreshHardwareNeeds();
        access.applyPolicy();
        retries.scheduleWaiting();
        triggers.promoteAllQueued();
        reactions.startPendingWhereConditionsHold();
        schedules.run();
        retention.start();
    }

    /** On close, under the broker's lock: no timer of any part fires into a closed broker. */
    void stopTimers() {
        standbys.closeAll();
        runs.stopTimers();
        recovery.stopTimer();
        schedules.stop();
        retries.stop();
        retention.stop();
    }
}
