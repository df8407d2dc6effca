package dev.bgtasks.testing;

import dev.bgtasks.broker.BrokerClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A clock that moves only when a test says so. Timers due by the new time run on the test's thread, in deadline
 * order, inside {@link #advance(Duration)}.
 */
public final class FakeClock implements BrokerClock {
    private final List<ScheduledAction> timers = new ArrayList<>();
    /** Monotonic time, in which timers are due; the wall clock is it plus {@link #wallOffset}. */
    private Instant now;
    private Duration wallOffset = Duration.ZERO;
    private long sequence;

    public FakeClock() {
        this(Instant.parse("2026-11-25T12:00:00Z"));
    }

    public FakeClock(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now.plus(wallOffset);
    }

    @Override
    public synchronized Timer schedule(Duration delay, Runnable action) {
        Duration nonNegative = delay.isNegative() ? Duration.ZERO : delay;
        ScheduledAction timer = new ScheduledAction(now.plus(nonNegative), sequence++, action);
        timers.add(timer);
        return () -> {
            synchronized (FakeClock.this) {
                timers.remove(timer);
            }
        };
    }

    /** Moves time forward, running every timer that falls due, including ones scheduled on the way. */
    public void advance(Duration by) {
        Instant target;
        synchronized (this) {
            target = now.plus(by);
        }
        while (true) {
            Optional<ScheduledAction> next = nextDue(target);
            if (next.isEmpty()) {
                break;
            }
            next.get().action().run();
        }
        synchronized (this) {
            now = target;
        }
    }

    /**
     * Moves the wall clock by {@code by} (either way) while monotonic time stands still: a clock set forward or
     * back, or a suspend the timers did not count. Timers keep the time they had left; none runs.
     */
    public synchronized void jump(Duration by) {
        wallOffset = wallOffset.plus(by);
    }

    private synchronized Optional<ScheduledAction> nextDue(Instant target) {
        Optional<ScheduledAction> next = timers.stream()
                .filter(t -> !t.deadline().isAfter(target))
                .min(Comparator.comparing(ScheduledAction::deadline).thenComparingLong(ScheduledAction::order));
        next.ifPresent(t -> {
            timers.remove(t);
            now = t.deadline();
        });
        return next;
    }

    /** How many timers wait to run. */
    public synchronized int pendingTimers() {
        return timers.size();
    }

    private record ScheduledAction(Instant deadline, long order, Runnable action) {
    }
}
