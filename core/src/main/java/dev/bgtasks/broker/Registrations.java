package dev.bgtasks.broker;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceState;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.launch.JavaLauncher;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.RegistrationRow;
import dev.bgtasks.store.ScheduleRow;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HostSignal;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registrations (SPEC R): validated, stored with a fresh task id, at most one per app and trigger name; removed with
 * their pending instance discarded and, if asked, their running one cancelled (R8). A Java registration has its start
 * archive trained in the background.
 *
 * <pre>{@code
 * registrations.validate(definition);                       // outside the lock: reads the task's classpath
 * RegistrationInfo info = registrations.register(appId, definition);   // under the broker's lock
 * }</pre>
 */
final class Registrations {
    /** The slot of a broker-fired trigger: {@code @} and the task id, a name no app trigger may have. */
    static final String BROKER_SLOT_PREFIX = "@";
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final RegistrationValidator validator;
    private final JavaLauncher launcher;
    private final TaskRuns runs;
    private final SignalReactions reactions;
    private final TriggerSchedules schedules;

    Registrations(BrokerContext ctx, JavaLauncher launcher, TaskRuns runs, SignalReactions reactions,
                  TriggerSchedules schedules) {
        this.schedules = schedules;
        this.ctx = ctx;
        this.validator = new RegistrationValidator(ctx.config.environment());
        this.launcher = launcher;
        this.runs = runs;
        this.reactions = reactions;
    }

    /** SPEC R1, R7, R9. Needs no lock: checking an entry point reads the task's classpath. */
    void validate(TaskDefinition definition) {
        validator.validate(definition, ctx.sandbox.capabilities());
        RegistrationValidator.validateTrigger(definition.trigger(), ctx.config.minimumFreshness());
        ConditionRules.validateHardware(definition.rig(), ctx.signals.hardware().readable(),
                ctx.config.platform().name());
        ConditionRules.validateDeviceTrigger(definition.trigger(), definition.rig(), ctx.signals.hardware().readable(),
                ctx.config.platform().name());
        SharedFixtures.validate(definition.rig().uses());
        if (definition.target() instanceof TaskTarget.JavaEntryPoint java) {
            // Never a task that is ALLOWED and then dies at trigger time because no JVM can start.
            launcher.problemWith(java.classpath()).ifPresent(problem -> {
                throw new InvalidRegistrationException("taskEntryPoint", problem);
            });
        }
    }

    /** SPEC R2–R5: stores a validated definition. */
    RegistrationInfo register(String appId, TaskDefinition definition) {
        RegistrationRow row = ctx.store.write(tx -> {
            BackgroundAccessStatus status = tx.accessStatus(appId).orElse(BackgroundAccessStatus.UNSPECIFIED);
            if (status.isDenied()) {
                throw new IllegalStateException("cannot register for " + appId + ": background access is "
                        + status + (status == BackgroundAccessStatus.UNSPECIFIED
                        ? "; call requestAccess() first" : ""));
            }
            UUID taskId = UUID.randomUUID();
            // A trigger the broker fires has a slot of its own, named so no app trigger can ask for it.
            TaskDefinition stored = definition.trigger().firedByBroker()
                    ? definition.inSlot(BROKER_SLOT_PREFIX + taskId) : definition;
            tx.registrationForTrigger(appId, stored.triggerName()).ifPresent(held -> {
                throw new IllegalStateException("trigger " + triggerLabel(definition.triggerName()) + " of "
                        + appId + " is already held by task " + held.taskId() + " ('" + held.name()
                        + "'); unregister it first, or name another trigger with applicationTrigger(name)");
            });
            RegistrationRow created = new RegistrationRow(taskId, appId, stored.name(),
                    stored.triggerName(), DefinitionCodec.encode(stored), ctx.clock.now());
            tx.insertRegistration(created);
            if (stored.trigger().firedByBroker()) {
                tx.putSchedule(TriggerSchedules.first(taskId, stored.trigger(), created.registeredAt()));
            }
            return created;
        });
        LOG.info("registered task {} '{}' of {} on trigger {}", row.taskId(), row.name(), appId,
                triggerLabel(row.triggerName()));
        if (definition.target() instanceof TaskTarget.JavaEntryPoint java && java.module() == null) {
            launcher.prepare(java.classpath(), java.className());
        }
        if (definition.trigger().scheduled()) {
            schedules.run();
        }
        return info(row);
    }

    /** {@link #register}, then the hardware source hears what the registrations now need (SPEC H4). */
    RegistrationInfo registerAndRefresh(String appId, TaskDefinition definition) {
        RegistrationInfo info = register(appId, definition);
        refreshHardwareNeeds();
        return info;
    }

    /** {@link #unregister(String, UUID, boolean)}, then the hardware source hears what is still needed (SPEC H4). */
    boolean unregisterAndRefresh(String appId, UUID taskId, boolean cancelTask) {
        boolean removed = unregister(appId, taskId, cancelTask);
        refreshHardwareNeeds();
        return removed;
    }

    /**
     * Tells the hardware source and the host signals which readings the registrations need, so a polled one (CPU
     * temperature, idle, free space) is read only while some registration, and so its pending instances, needs it
     * (SPEC H4; issue 15: an idle broker sleeps).
     */
    void refreshHardwareNeeds() {
        Set<HardwareSignal> needed = EnumSet.noneOf(HardwareSignal.class);
        Set<HostSignal> signals = EnumSet.noneOf(HostSignal.class);
        ctx.store.read(tx -> {
            for (String appId : tx.appsWithAccessStatus()) {
                for (RegistrationRow row : tx.registrations(appId)) {
                    TaskDefinition definition = DefinitionCodec.decode(row);
                    definition.rig().hardwareConditions().forEach(c -> needed.add(c.type().signal()));
                    definition.conditions().forEach(c -> signals.addAll(c.requiredSignals().keySet()));
                    if (definition.trigger().kind() == TriggerSpec.Kind.DEVICE) {
                        // SPEC H8: where USB devices are polled, a device trigger needs them read.
                        needed.add(HardwareSignal.USB_DEVICES);
                    }
                }
            }
            return null;
        });
        ctx.signals.hardware().need(needed);
        ctx.signals.need(signals);
    }

    List<RegistrationInfo> list(String appId) {
        return ctx.store.read(tx -> tx.registrations(appId).stream()
                .map(row -> info(row, tx.schedule(row.taskId()).map(ScheduleRow::nextFireAt).orElse(null)))
                .toList());
    }

    /** SPEC R8; false when the app has no such registration. */
    boolean unregister(String appId, UUID taskId, boolean cancelTask) {
        Optional<RegistrationRow> row = ctx.store.read(tx -> tx.registration(taskId))
                .filter(r -> r.appId().equals(appId));
        row.ifPresent(r -> unregister(r, cancelTask));
        return row.isPresent();
    }

    /** SPEC A3: every registration of the app, running instances cancelled. */
    void unregisterAll(String appId) {
        for (RegistrationRow row : ctx.store.read(tx -> tx.registrations(appId))) {
            unregister(row, true);
        }
    }

    private void unregister(RegistrationRow row, boolean cancelTask) {
        Instant now = ctx.clock.now();
        Optional<InstanceRow> active = ctx.store.write(tx -> {
            tx.deleteRegistration(row.taskId());
            tx.deleteSchedule(row.taskId());
            Optional<InstanceRow> current = tx.activeInstance(row.appId(), row.triggerName())
                    .filter(i -> i.taskId().equals(row.taskId()));
            current.filter(i -> i.state() == InstanceState.PENDING).ifPresent(pending -> {
                // SPEC R8: a pending instance is discarded; it is kept as a record, with nobody to deliver it to.
                tx.updateInstance(pending.cancelled(BackgroundTaskCancellationReason.ABORT, now)
                        .completed(TaskOutcome.CANCELED, null, null, "discarded by unregister", null, null, now));
                tx.markDelivered(pending.instanceId());
            });
            // SPEC R8, P3: an instance queued behind the current one goes the same way.
            tx.instancesInState(InstanceState.QUEUED).stream().filter(i -> i.taskId().equals(row.taskId()))
                    .forEach(queued -> {
                        tx.updateInstance(queued.cancelled(BackgroundTaskCancellationReason.ABORT, now)
                                .completed(TaskOutcome.CANCELED, null, null, "discarded by unregister", null, null,
                                        now));
                        tx.markDelivered(queued.instanceId());
                    });
            return current;
        });
        LOG.info("unregistered task {} '{}' of {} (cancelTask={})", row.taskId(), row.name(), row.appId(),
                cancelTask);
        active.ifPresent(instance -> {
            reactions.forget(instance.instanceId());
            if (cancelTask && instance.state() == InstanceState.RUNNING && !runs.isRunning(instance.instanceId())
                    && instance.cancelReason() == null) {
                runs.cancelNotTakenBack(instance, BackgroundTaskCancellationReason.ABORT);
            } else if (cancelTask) {
                runs.cancelIfRunning(instance.instanceId(), BackgroundTaskCancellationReason.ABORT);
            }
        });
    }

    private RegistrationInfo info(RegistrationRow row) {
        return info(row, ctx.store.read(tx -> tx.schedule(row.taskId())).map(ScheduleRow::nextFireAt).orElse(null));
    }

    private static RegistrationInfo info(RegistrationRow row, java.time.Instant nextFireAt) {
        return new RegistrationInfo(row.taskId(), row.appId(), row.registeredAt(), DefinitionCodec.decode(row),
                nextFireAt);
    }

    static String triggerLabel(String triggerName) {
        return triggerName.isEmpty() ? "(default)" : "'" + triggerName + "'";
    }
}
