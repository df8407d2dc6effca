package dev.bgtasks.broker;

import java.time.Duration;
import java.time.Instant;

/**
 * The broker's time: what time it is, and running something later (wall-clock budgets, grace periods, the
 * re-adoption window). Tests inject a fake clock so the semantics tests never sleep.
 *
 * <pre>{@code
 * BrokerClock.Timer t = clock.schedule(Duration.ofSeconds(5), () -> killIfStillRunning(id));
 * t.cancel();
 * }</pre>
 */
public interface BrokerClock {
    Instant now();

    /** Runs {@code action} once after {@code delay}, on a thread of the clock's. */
    Timer schedule(Duration delay, Runnable action);

    /** Stops the clock's threads; pending timers are dropped. */
    default void shutdown() {
    }

    /** The real clock, with one daemon thread for timers. */
    static BrokerClock system() {
        return new SystemBrokerClock();
    }

    /** A scheduled action. */
    interface Timer {
        /** Drops the action if it has not run yet. */
        void cancel();
    }
}
