package dev.bgtasks.spi;

import java.util.Objects;

/**
 * How a task tree ended.
 *
 * <pre>{@code
 * if (status.reason() == ExitStatus.Reason.OUT_OF_MEMORY) { ... }
 * }</pre>
 *
 * @param exitCode the main process's exit code; 128 + signal number when a signal ended it
 * @param reason why it ended
 * @param peakMemoryBytes the tree's peak memory, 0 when the platform cannot tell
 */
public record ExitStatus(int exitCode, Reason reason, long peakMemoryBytes) {
    /**
     * Rejects a null reason.
     *
     * @param exitCode the main process's exit code
     * @param reason why the tree ended
     * @param peakMemoryBytes the tree's peak memory, 0 when unknown
     */
    public ExitStatus {
        Objects.requireNonNull(reason, "reason");
    }

    /** Why a task tree ended. */
    public enum Reason {
        /** The main process exited by itself. */
        EXITED,
        /** A signal or an external kill ended it. */
        SIGNALED,
        /** The sandbox stopped it for passing its memory limit (SPEC X10). */
        OUT_OF_MEMORY,
        /** The sandbox stopped it for passing its process limit (SPEC X12). */
        PROCESS_LIMIT,
        /**
         * It ended, but its exit code cannot be known: a re-adopted process is not the broker's child, and only a
         * parent can collect an exit code. {@code exitCode} is meaningless then.
         */
        EXIT_CODE_UNKNOWN
    }
}
