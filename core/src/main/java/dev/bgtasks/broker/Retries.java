package dev.bgtasks.broker;

import dev.bgtasks.InstanceState;
import dev.bgtasks.RetryPolicy;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.store.AttemptRow;
import dev.bgtasks.store.InstanceRow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retry (SPEC P1): an attempt that asked for it (a Java task's {@code requestRetry()}, a command's exit 75), or that
 * ended {@code LAUNCH_FAILED} or {@code BROKER_LOST} under a policy that says so, is recorded and its instance goes
 * back to PENDING as the next attempt instead of completing. The instance keeps its trigger slot meanwhile, so
 * {@code CURRENTLY_RUNNING} holds (T4), and the app hears one completion, for the last attempt.
 *
 * <pre>{@code
 * if (retries.retryInsteadOfCompleting(row, completion, exitCode, asked)) { return; }   // in TaskRuns.complete
 * retries.scheduleWaiting();                                                          // on broker start
 * }</pre>
 *
 * <p>The backoff runs on the broker's timer (monotonic: a wall-clock jump neither shortens nor stretches it);
 * {@code nextAttemptAt} stores its wall-clock end, so a restarted broker waits what is left of it. Callers hold the
 * broker's lock; the timers take it themselves.
 */
final class Retries {
    /** What a command exits with to ask for another attempt: {@code EX_TEMPFAIL} of sysexits.h. */
    static final int EX_TEMPFAIL = 75;
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    // Guarded by the broker's lock.
    private final Map<UUID, BrokerClock.Timer> backoffs = new HashMap<>();
    /** Starts a pending instance whose backoff is over if its conditions hold; set once by the broker. */
    private Consumer<InstanceRow> start = row -> { };

    Retries(BrokerContext ctx) {
        this.ctx = ctx;
    }

    void onBackoffOver(Consumer<InstanceRow> action) {
        this.start = action;
    }

    /**
     * Decides whether the attempt that just ended is run again, and if so records it and schedules the next.
     *
     * @param row the instance as its attempt ended
     * @param completion how the attempt ended
     * @param exitCode its exit code, or null
     * @param asked the task asked for a retry (a Java task's request, or a command's exit 75)
     * @return true when the instance goes on with another attempt: it must not be completed
     */
    boolean retryInsteadOfCompleting(InstanceRow row, Completion completion, Integer exitCode, boolean asked) {
        if (row.cancelReason() != null) {
            return false; // a cancellation is final, whatever the task asked for
        }
        TerminationReason termination = completion.terminationReason();
        if (!asked && termination != TerminationReason.LAUNCH_FAILED && termination != TerminationReason.BROKER_LOST) {
            // No policy could want another attempt: most completions need no read of the registration (issue 15).
            return false;
        }
        Optional<RetryPolicy> policy = ctx.store.read(tx -> tx.registration(row.taskId()))
                .map(DefinitionCodec::decode).map(TaskDefinition::retry);
        if (policy.isEmpty()) {
            if (asked) {
                LOG.info("instance {} asked for a retry, but its registration has no retry policy",
                        row.instanceId());
            }
            return false;
        }
        RetryPolicy retry = policy.get();
        boolean wanted = asked
                || (termination == TerminationReason.LAUNCH_FAILED && retry.retryLaunchFailed())
                || (termination == TerminationReason.BROKER_LOST && retry.retryBrokerLost());
        if (!wanted) {
            return false;
        }
        if (row.attempt() >= retry.maxAttempts()) {
            LOG.info("instance {} would be retried, but attempt {} was its last of {}", row.instanceId(),
                    row.attempt(), retry.maxAttempts());
            return false;
        }
        Duration delay = retry.delayAfter(row.attempt());
        Instant now = ctx.clock.now();
        AttemptRow ended = new AttemptRow(row.instanceId(), row.attempt(), row.startedAt(), now,
                completion.outcome(), termination, completion.errorClass(), completion.errorMessage(), exitCode);
        InstanceRow next = row.nextAttempt(RunToken.newToken(), now.plus(delay));
        ctx.store.run(tx -> {
            tx.insertAttempt(ended);
            tx.updateInstance(next);
        });
        LOG.info("instance {}: attempt {} ended {}{}; attempt {} of {} in {}", row.instanceId(), row.attempt(),
                completion.outcome(), termination == null ? "" : " " + termination, next.attempt(),
                retry.maxAttempts(), delay);
        schedule(next.instanceId(), delay);
        return true;
    }

    /** On broker start: every instance still in its backoff waits what is left of it by the wall clock. */
    void scheduleWaiting() {
        Instant now = ctx.clock.now();
        for (InstanceRow row : ctx.store.read(tx -> tx.instancesInState(InstanceState.PENDING))) {
            if (row.nextAttemptAt() != null) {
                Duration left = Duration.between(now, row.nextAttemptAt());
                schedule(row.instanceId(), left.isNegative() ? Duration.ZERO : left);
            }
        }
    }

    private void schedule(UUID instanceId, Duration delay) {
        BrokerClock.Timer previous = backoffs.put(instanceId, ctx.clock.schedule(delay, () -> backoffOver(instanceId)));
        if (previous != null) {
            previous.cancel();
        }
    }

    private void backoffOver(UUID instanceId) {
        synchronized (ctx.lock) {
            backoffs.remove(instanceId);
            if (ctx.closed) {
                return;
            }
            Optional<InstanceRow> waiting = ctx.store.read(tx -> tx.instance(instanceId))
                    .filter(row -> row.state() == InstanceState.PENDING && row.nextAttemptAt() != null);
            if (waiting.isEmpty()) {
                return; // cancelled or unregistered meanwhile
            }
            InstanceRow due = waiting.get().backoffOver();
            ctx.store.run(tx -> tx.updateInstance(due));
            start.accept(due);
        }
    }

    /** On close: no backoff fires into a closed broker; the next one waits what is left. */
    void stop() {
        backoffs.values().forEach(BrokerClock.Timer::cancel);
        backoffs.clear();
    }
}
