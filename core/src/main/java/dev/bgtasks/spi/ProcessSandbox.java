package dev.bgtasks.spi;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

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
    /**
     * Which limits this sandbox enforces, and how. The broker refuses what it cannot enforce (SPEC R9).
     *
     * @return the capabilities per limit
     */
    SandboxCapabilities capabilities();

    /**
     * Starts {@code spec} under {@code limits}; the process runs nothing of its own before the limits hold. Its
     * environment is exactly {@link LaunchSpec#environment()}, never the broker's with additions (SPEC S5): a
     * sandbox that needs a variable of its own for a wrapper (a bus address for {@code systemd-run}) removes it again
     * before the task's program starts.
     *
     * @param spec what to start
     * @param limits the limits to hold it to
     * @return the running task tree
     * @throws java.io.IOException when the process or its sandbox cannot be created; nothing is left behind
     */
    SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException;

    /**
     * Takes back a task process that a previous broker started and that is still alive (SPEC B3), to be held to
     * the registration's limits again. Its exit must be watched without being its parent.
     *
     * @param pid the task's main process
     * @param runToken the token the task was started with, to tell it from a reused pid
     * @param limits the registration's limits
     * @return empty when the process is gone or the platform cannot re-adopt (then {@link #canReadopt()} is false)
     */
    Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits);

    /**
     * Looks for the live main process of a task by its run token alone (SPEC B6): a broker that died between starting
     * a task and storing its pid leaves a pending instance whose process runs. The next broker asks here before it
     * launches any pending instance, and takes back what is found instead of starting it a second time.
     *
     * @param runToken the instance's run token
     * @return the task's main process (the command, not its supervisor), when one is alive and carries the token;
     *     empty when none is, or when this sandbox cannot look (then tasks die with their broker)
     */
    default OptionalLong findByToken(String runToken) {
        return OptionalLong.empty();
    }

    /**
     * Whether {@link #adopt} can work here at all.
     *
     * @return false when tasks cannot survive or be found after a broker restart
     */
    boolean canReadopt();

    /**
     * Kills what is left of a task a previous broker started and that was not re-adopted: the whole tree, and its
     * sandbox is removed.
     *
     * @param pid the task's main process, as recorded
     * @param runToken the token the task was started with
     * @return true when something was found and killed
     */
    boolean killOrphan(long pid, String runToken);

    /**
     * The mechanism in force, e.g. {@code cgroup2 memory.max+pids.max}.
     *
     * @return a one-line description
     */
    String describe();
}
