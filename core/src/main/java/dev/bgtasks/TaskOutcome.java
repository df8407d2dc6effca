package dev.bgtasks;

/**
 * How a completed instance ended.
 *
 * <pre>{@code
 * if (e.outcome() == TaskOutcome.TERMINATED) { log.warn("killed: {}", e.terminationReason()); }
 * }</pre>
 */
public enum TaskOutcome {
    /** {@code run} returned and every deferral completed. */
    SUCCEEDED,
    /** {@code run} threw, or the process exited abnormally. */
    FAILED,
    /** Cancelled with a reason, and it ended within the grace period (or never started). */
    CANCELED,
    /** Stopped by force: see {@link TerminationReason}. */
    TERMINATED;

    /**
     * Whether {@code checkResult()} returns normally for this outcome (SPEC X4).
     *
     * @return true for SUCCEEDED
     */
    public boolean isSuccess() {
        return this == SUCCEEDED || this == CANCELED;
    }
}
