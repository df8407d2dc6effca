package dev.bgtasks.spi;

import java.io.IOException;
import java.util.Optional;

/**
 * Starts task processes under native limits. The process must be inside its sandbox (cgroup, job object, watched
 * process group) before it runs a single instruction of the task (SPEC X1).
 *
 * <pre>{@code
 * SandboxedProcess p = sandbox.launch(spec, limits);
 * p.onExit().thenAccept(status -> log.info("exited {}", status));
 * }</pre>
 */
public interface ProcessSandbox {
    /** Which limits this sandbox enforces, and how. The broker refuses what it cannot enforce (SPEC R9). */
    SandboxCapabilities capabilities();

    SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException;

    /**
     * Takes back a task process that a previous broker started and that is still alive (SPEC B3), to be held to
     * the registration's limits again. Its exit must be watched without being its parent.
     *
     * @return empty when the process is gone or the platform cannot re-adopt (then {@link #canReadopt()} is false)
     */
    Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits);

    /** Whether {@link #adopt} can work here at all. */
    boolean canReadopt();

    /**
     * Kills what is left of a task a previous broker started and that was not re-adopted: the whole tree, and its
     * sandbox is removed.
     *
     * @return true when something was found and killed
     */
    boolean killOrphan(long pid, String runToken);

    /** The mechanism in force, e.g. {@code cgroup2 memory.max+pids.max}. */
    String describe();
}
