package dev.bgtasks.broker;

import dev.bgtasks.SystemTriggerType;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.store.RegistrationRow;
import dev.bgtasks.store.ScheduleRow;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * System triggers (SPEC Y3): each signal change the broker hears of (from the same sources the conditions use, or
 * simulated) is compared with the last one seen, and the registrations on a transition that happened fire through
 * {@link TriggerDecisions} (Y4). Nothing is polled.
 *
 * <pre>{@code
 * transitions.onSignalsChanged();   // under the broker's lock, after each signal change
 * }</pre>
 */
final class SystemTransitions {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final TriggerDecisions decisions;
    /** The signals as last seen; guarded by the broker's lock. */
    private SignalSnapshot last;

    SystemTransitions(BrokerContext ctx, TriggerDecisions decisions) {
        this.ctx = ctx;
        this.decisions = decisions;
        this.last = ctx.signals.current();
    }

    /** Under the broker's lock. */
    void onSignalsChanged() {
        SignalSnapshot now = ctx.signals.current();
        Set<SystemTriggerType> happened = between(last, now);
        last = now;
        if (happened.isEmpty() || ctx.closed) {
            return;
        }
        LOG.debug("signal transitions: {}", happened);
        for (ScheduleRow schedule : ctx.store.read(tx -> tx.schedules())) {
            if (schedule.spent() || schedule.nextFireAt() != null) {
                continue;
            }
            Optional<RegistrationRow> registration = ctx.store.read(tx -> tx.registration(schedule.taskId()));
            if (registration.isEmpty()) {
                continue;
            }
            TriggerSpec trigger = DefinitionCodec.decode(registration.get()).trigger();
            if (trigger.kind() != TriggerSpec.Kind.SYSTEM || !happened.contains(trigger.systemType())) {
                continue;
            }
            decisions.fire(registration.get(), trigger.systemType().toString());
            if (trigger.oneShot()) {
                ctx.store.write(tx -> {
                    tx.putSchedule(new ScheduleRow(schedule.taskId(), null, true));
                    return null;
                });
            }
        }
    }

    /** The transitions from one snapshot to the next. */
    static Set<SystemTriggerType> between(SignalSnapshot before, SignalSnapshot after) {
        Set<SystemTriggerType> happened = EnumSet.noneOf(SystemTriggerType.class);
        if (became(before, after, HostSignal.INTERNET, true)) {
            happened.add(SystemTriggerType.INTERNET_AVAILABLE);
        }
        if (changed(before, after, HostSignal.INTERNET) || changed(before, after, HostSignal.UNMETERED_NETWORK)) {
            happened.add(SystemTriggerType.NETWORK_STATE_CHANGE);
        }
        if (became(before, after, HostSignal.USER_PRESENT, true)) {
            happened.add(SystemTriggerType.USER_PRESENT);
        }
        if (became(before, after, HostSignal.USER_PRESENT, false)) {
            happened.add(SystemTriggerType.USER_AWAY);
        }
        if (became(before, after, HostSignal.SESSION_CONNECTED, true)) {
            happened.add(SystemTriggerType.SESSION_CONNECTED);
        }
        if (changed(before, after, HostSignal.AC_POWER)) {
            happened.add(SystemTriggerType.POWER_STATE_CHANGE);
        }
        if (before.backgroundWorkCost() != after.backgroundWorkCost()) {
            happened.add(SystemTriggerType.BACKGROUND_WORK_COST_CHANGE);
        }
        if (became(before, after, HostSignal.ENERGY_SAVER, false) && before.is(HostSignal.ENERGY_SAVER, true)) {
            happened.add(SystemTriggerType.ENERGY_SAVER_OFF);
        }
        return happened;
    }

    private static boolean became(SignalSnapshot before, SignalSnapshot after, HostSignal signal, boolean value) {
        return !before.is(signal, value) && after.is(signal, value);
    }

    /** A known value that differs; a signal becoming known or unknown is no transition. */
    private static boolean changed(SignalSnapshot before, SignalSnapshot after, HostSignal signal) {
        return before.get(signal).isPresent() && after.get(signal).isPresent()
                && !before.get(signal).equals(after.get(signal));
    }
}
