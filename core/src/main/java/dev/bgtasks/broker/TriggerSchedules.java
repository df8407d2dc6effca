package dev.bgtasks.broker;

import dev.bgtasks.SystemConditionType;
import dev.bgtasks.store.RegistrationRow;
import dev.bgtasks.store.ScheduleRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time and maintenance triggers (SPEC Y1, Y2, Y5). Each schedule's next fire time is stored and follows the wall
 * clock; one timer, armed for the nearest due time, wakes the broker. A fire goes through {@link TriggerDecisions}
 * like {@code requestAsync} (Y4).
 *
 * <pre>{@code
 * schedules.run();   // under the broker's lock: at start, after a registration, when a signal changes
 * }</pre>
 *
 * <p>Timers count monotonic time, which stands still while the host is suspended, and the wall clock may be set
 * back or forward. So the timer never sleeps longer than {@link #RECHECK}, and each wake-up compares the stored
 * time with the wall clock: any number of missed periods coalesce into one fire (no burst), and a due time more than
 * one period away (the clock was set back) is brought back to one period (no skipped fire).
 */
final class TriggerSchedules {
    /** The longest the timer sleeps: how late a fire may be after a suspend the timer did not count. */
    static final Duration RECHECK = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final TriggerDecisions decisions;
    /** Guarded by the broker's lock. */
    private BrokerClock.Timer timer;

    TriggerSchedules(BrokerContext ctx, TriggerDecisions decisions) {
        this.ctx = ctx;
        this.decisions = decisions;
    }

    /** The first schedule of a new registration: due one period after it (Y1). */
    static ScheduleRow first(java.util.UUID taskId, TriggerSpec trigger, Instant now) {
        return new ScheduleRow(taskId, trigger.scheduled() ? now.plus(trigger.freshness()) : null, false);
    }

    /** Under the broker's lock: fires what is due, then arms the timer for what is due next. */
    void run() {
        if (ctx.closed) {
            return;
        }
        Instant now = ctx.clock.now();
        boolean onAcPower = ConditionRules.unmet(Set.of(SystemConditionType.ON_AC_POWER), ctx.signals.current())
                .isEmpty();
        Instant nearest = null;
        for (ScheduleRow schedule : ctx.store.read(tx -> tx.schedules())) {
            if (schedule.spent() || schedule.nextFireAt() == null) {
                continue;
            }
            Optional<RegistrationRow> registration = ctx.store.read(tx -> tx.registration(schedule.taskId()));
            if (registration.isEmpty()) {
                continue;
            }
            Instant next = step(schedule, registration.get(), now, onAcPower);
            if (next != null && (nearest == null || next.isBefore(nearest))) {
                nearest = next;
            }
        }
        arm(nearest, now);
    }

    /** One schedule: fires it if due; returns when it is due next, or null when it waits for nothing timed. */
    private Instant step(ScheduleRow schedule, RegistrationRow registration, Instant now, boolean onAcPower) {
        TriggerSpec trigger = DefinitionCodec.decode(registration).trigger();
        Duration period = trigger.freshness();
        Instant due = schedule.nextFireAt();
        if (due.isAfter(now.plus(period))) {
            // The wall clock was set back: waiting for the stored time would skip fires.
            LOG.info("task {}: next fire {} is more than {} away, the clock went back; due at {}",
                    registration.taskId(), due, period, now.plus(period));
            due = now.plus(period);
            save(new ScheduleRow(schedule.taskId(), due, false));
        }
        if (due.isAfter(now)) {
            return due;
        }
        if (trigger.kind() == TriggerSpec.Kind.MAINTENANCE && !onAcPower) {
            // SPEC Y2: a fire due on battery waits for AC; the power signal's change runs this again.
            LOG.debug("task {}: maintenance fire due at {} waits for AC power", registration.taskId(), due);
            return null;
        }
        decisions.fire(registration, "due at " + due);
        ScheduleRow after = trigger.oneShot() ? new ScheduleRow(schedule.taskId(), null, true)
                : new ScheduleRow(schedule.taskId(), nextAfter(due, period, now), false);
        save(after);
        return after.nextFireAt();
    }

    /** SPEC Y5: the first due time after {@code now} on the schedule's own phase; missed periods coalesce. */
    static Instant nextAfter(Instant due, Duration period, Instant now) {
        long missed = Duration.between(due, now).toMillis() / period.toMillis();
        return due.plus(period.multipliedBy(missed + 1));
    }

    private void save(ScheduleRow row) {
        ctx.store.write(tx -> {
            if (tx.registration(row.taskId()).isPresent()) {
                tx.putSchedule(row);
            }
            return null;
        });
    }

    private void arm(Instant nearest, Instant now) {
        stop();
        if (nearest == null) {
            return;
        }
        Duration wait = Duration.between(now, nearest);
        timer = ctx.clock.schedule(wait.compareTo(RECHECK) > 0 ? RECHECK : wait, () -> {
            synchronized (ctx.lock) {
                timer = null;
                run();
            }
        });
    }

    /** Drops the timer (the broker closes). */
    void stop() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
