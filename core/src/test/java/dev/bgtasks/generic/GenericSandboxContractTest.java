package dev.bgtasks.generic;

import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.testing.contract.BackendContractTest;
import dev.bgtasks.testing.contract.ContractRule;
import dev.bgtasks.testing.contract.ShellTasks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The generic watchdog sandbox under the backend contract, on Linux (it finds reparented grandchildren by their
 * run token in {@code /proc}, and re-adopts through it). Both limits are best effort: the watchdog must stop the
 * memory hog and the burst by itself. It cannot hold a task before its first instruction, and says so.
 */
@EnabledOnOs(OS.LINUX)
class GenericSandboxContractTest extends BackendContractTest {
    @Override
    protected ProcessSandbox newSandbox() {
        return new GenericSandbox();
    }

    @Override
    protected Map<ContractRule, String> declaredGaps() {
        return Map.of(ContractRule.STARTS_INSIDE, GenericSandbox.START_CAVEAT);
    }

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
