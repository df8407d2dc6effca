package dev.bgtasks.spi;

import java.util.concurrent.CompletableFuture;

/**
 * A task process tree inside its sandbox.
 *
 * <pre>{@code
 * process.terminate();                       // polite
 * process.onExit().thenAccept(this::record);
 * process.kill();                            // the whole tree, grandchildren included
 * }</pre>
 */
public interface SandboxedProcess {
    /** {@return the task's main process id} */
    long pid();

    /**
     * Memory now and at peak, CPU time and process count, for the whole tree.
     *
     * @return the usage now
     */
    ResourceUsage usage();

    /** Asks the task to stop (SIGTERM, CTRL_BREAK); the broker kills it after the grace period if it does not. */
    void terminate();

    /** Kills the whole tree, including children that changed session or process group (SPEC X13). */
    void kill();

    /**
     * Lowers (or raises, up to what the registration allows) the tree's memory limit while it runs, for
     * {@code MemoryManager.trySetAppMemoryUsageLimit} (SPEC X11).
     *
     * @param bytes the new limit in bytes
     * @return false when this sandbox cannot change a running task's limit
     */
    default boolean setMemoryLimit(long bytes) {
        return false;
    }

    /**
     * Completes once every process of the tree is gone, with why the tree ended.
     *
     * @return a future that completes once
     */
    CompletableFuture<ExitStatus> onExit();
}
