package dev.bgtasks.testing.contract;

import java.util.List;

/**
 * The contract for a sandbox on a POSIX host: every task command is a {@code /bin/sh} one-liner from
 * {@link ShellTasks} (cheap children, no JVM). A subclass supplies the sandbox, says how a task proves where it runs,
 * and overrides a command only where its OS needs another.
 *
 * <pre>{@code
 * class RlimitSandboxContractTest extends ShellContractTest {
 *     protected ProcessSandbox newSandbox() { return new RlimitSandbox(); }
 * }
 * }</pre>
 */
public abstract class ShellContractTest extends BackendContractTest {
    @Override
    protected List<String> sleeper() {
        return ShellTasks.sleeper();
    }

    @Override
    protected List<String> exitWith(int code) {
        return ShellTasks.exitWith(code);
    }

    @Override
    protected List<String> memoryHog() {
        return ShellTasks.memoryHog();
    }

    @Override
    protected List<String> childBurst(int children) {
        return ShellTasks.childBurst(children);
    }

    @Override
    protected List<String> setsidGrandchild() {
        return ShellTasks.setsidGrandchild();
    }
}
