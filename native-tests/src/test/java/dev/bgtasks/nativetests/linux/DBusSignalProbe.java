package dev.bgtasks.nativetests.linux;

import dev.bgtasks.linux.dbus.DBusSignals;
import dev.bgtasks.spi.HostSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The change callback of a {@link DBusSignals} under test: records what {@code current()} held at each call, with
 * the time, so a test can wait (with a deadline, never a sleep) for the callback that shows a change and measure how
 * long it took to arrive.
 */
final class DBusSignalProbe implements Runnable {
    private record Seen(long nanos, Map<HostSignal, Boolean> signals) {
    }

    private final DBusSignals signals;
    private final List<Seen> seen = new ArrayList<>();

    DBusSignalProbe(DBusSignals signals) {
        this.signals = signals;
    }

    @Override
    public void run() {
        Map<HostSignal, Boolean> now = signals.current();
        long t = System.nanoTime();
        synchronized (this) {
            seen.add(new Seen(t, now));
            notifyAll();
        }
    }

    /** {@code signal} has {@code value}; a null value means absent. */
    static Predicate<Map<HostSignal, Boolean>> is(HostSignal signal, Boolean value) {
        return m -> value == null ? !m.containsKey(signal) : Objects.equals(m.get(signal), value);
    }

    /**
     * Waits for a callback at or after {@code sinceNanos} whose signals satisfy {@code condition}.
     *
     * @return the time from {@code sinceNanos} to that callback
     */
    synchronized Duration await(String what, long sinceNanos, Predicate<Map<HostSignal, Boolean>> condition,
            Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        int next = 0;
        while (true) {
            for (; next < seen.size(); next++) {
                Seen s = seen.get(next);
                if (s.nanos() >= sinceNanos && condition.test(s.signals())) {
                    return Duration.ofNanos(s.nanos() - sinceNanos);
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(what + ": no change callback showed it within " + deadline.toMillis()
                        + " ms; callbacks: " + seen.stream().map(Seen::signals).toList() + "; now: "
                        + signals.current() + "\n" + signals.describe());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
