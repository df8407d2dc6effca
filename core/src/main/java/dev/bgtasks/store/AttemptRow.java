package dev.bgtasks.store;

import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One earlier attempt of an instance that was run again (SPEC P1): how it ended, kept when the instance went back to
 * PENDING for its next attempt. The instance's own row holds its latest attempt.
 *
 * <pre>{@code
 * store.read(tx -> tx.attempts(instanceId)).forEach(a -> log.info("attempt {}: {}", a.attempt(), a.outcome()));
 * }</pre>
 *
 * @param instanceId the instance
 * @param attempt which attempt, 1 for the first
 * @param startedAt when its process started, or null when it never started
 * @param endedAt when it ended
 * @param outcome how it ended
 * @param terminationReason why it was stopped by force, or null
 * @param errorClass the exception class of a failed run, or null
 * @param errorMessage what went wrong, or null
 * @param exitCode its main process's exit code, or null
 */
public record AttemptRow(UUID instanceId, int attempt, Instant startedAt, Instant endedAt, TaskOutcome outcome,
                         TerminationReason terminationReason, String errorClass, String errorMessage,
                         Integer exitCode) {
    public AttemptRow {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(outcome, "outcome");
    }
}
