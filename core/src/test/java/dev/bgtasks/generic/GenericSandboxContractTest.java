package dev.bgtasks.generic;

import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.testing.contract.ShellContractTest;
import dev.bgtasks.testing.contract.ContractRule;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The generic watchdog sandbox under the backend contract, on Linux (it finds reparented grandchildren by their
 * run token in {@code /proc}, and re-adopts through it). Both limits are best effort: the watchdog must stop the
 * memory hog and the burst by itself. It cannot hold a task before its first instruction, and says so.
 */
@EnabledOnOs(OS.LINUX)
class GenericSandboxContractTest extends ShellContractTest {
    @Override
    protected ProcessSandbox newSandbox() {
        return new GenericSandbox();
    }

    @Override
    protected Map<ContractRule, String> declaredGaps() {
        return Map.of(ContractRule.STARTS_INSIDE, GenericSandbox.START_CAVEAT,
                ContractRule.EXIT_RECORD, "no supervisor: a task that ends while no broker runs leaves no exit record");
    }

}
