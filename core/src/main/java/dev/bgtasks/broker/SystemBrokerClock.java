package dev.bgtasks.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The real clock: {@link Instant#now()} and one daemon scheduler thread. */
final class SystemBrokerClock implements BrokerClock {
    private static final Runnable NOTHING = () -> { };
    private final ScheduledExecutorService scheduler;

    SystemBrokerClock() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = Executors.defaultThreadFactory().newThread(runnable);
            thread.setName("bgtasks-broker-timer");
            thread.setDaemon(true);
            return thread;
        });
        // Cancelled grace and budget timers would otherwise sit in the queue until their deadline.
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public Timer schedule(Duration delay, Runnable action) {
        ScheduledFuture<?> future = scheduler.schedule(action, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> {
            if (future.cancel(false)) {
                nudge();
            }
        };
    }

    /**
     * The timer thread waits for the deadline of the timer that was first when it began to wait, and removing that
     * timer does not wake it: a run's 10 s log check, cancelled when the run ends, would wake an idle broker 10 s
     * later for nothing (issue 15: the idle figure). A no-op now makes it look at its queue again while the broker
     * is busy anyway.
     */
    private void nudge() {
        try {
            scheduler.execute(NOTHING);
        } catch (RejectedExecutionException shutDown) {
            // The broker is closing: nothing waits any more.
        }
    }

    @Override
    public void shutdown() {
        scheduler.shutdownNow();
    }
}
