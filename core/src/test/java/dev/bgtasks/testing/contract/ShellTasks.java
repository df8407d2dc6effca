package dev.bgtasks.testing.contract;

import java.util.List;

/**
 * The contract's task commands for Linux, as {@code /bin/sh} one-liners and coreutils: cheap children, no JVM. Each
 * matches a hook of {@link BackendContractTest}.
 *
 * <pre>{@code
 * protected List<String> memoryHog() { return ShellTasks.memoryHog(); }
 * }</pre>
 */
public final class ShellTasks {
    private static final String SH = "/bin/sh";

    private ShellTasks() {
    }

    /** {@return {@code sleep 300}, killed long before it ends} */
    public static List<String> sleeper() {
        return List.of("/bin/sh", "-c", "exec sleep 300");
    }

    /**
     * A shell that exits with {@code code}.
     *
     * @param code the exit code
     * @return the command
     */
    public static List<String> exitWith(int code) {
        return List.of(SH, "-c", "exit " + code);
    }

    /** {@return {@code cat /proc/self/cgroup}: the cgroups of the first instruction after the exec} */
    public static List<String> ownCgroups() {
        return List.of("/bin/cat", "/proc/self/cgroup");
    }

    /** {@return {@code tail /dev/zero}: one line that never ends, held in memory as it grows} */
    public static List<String> memoryHog() {
        return List.of("tail", "/dev/zero");
    }

    /**
     * A shell that starts {@code children} sleeps in the background, says {@code burst-done} and waits for them.
     *
     * @param children how many
     * @return the command
     */
    public static List<String> childBurst(int children) {
        return List.of(SH, "-c", "i=0; while [ $i -lt " + children + " ]; do sleep 30 & i=$((i+1)); done;"
                + " echo burst-done; wait");
    }

    /**
     * A shell whose child starts, through {@code setsid}, a grandchild in a session of its own that prints
     * {@code grandchild=<pid>} and becomes a sleep; the child exits at once (so the grandchild is reparented out of
     * the tree) and the main process becomes a sleep too.
     *
     * @return the command
     */
    public static List<String> setsidGrandchild() {
        return List.of(SH, "-c", SH + " -c \"setsid " + SH + " -c 'echo grandchild=\\$\\$; exec sleep 300' &\";"
                + " exec sleep 300");
    }
}
