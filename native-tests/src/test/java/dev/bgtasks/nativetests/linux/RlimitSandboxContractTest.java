package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.linux.rlimit.RlimitSandbox;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.testing.contract.ShellContractTest;
import dev.bgtasks.testing.contract.ContractRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The rlimit fallback under the backend contract, on any Linux host (it needs no cgroup). It holds X1 (the task
 * starts under its {@code RLIMIT_DATA}), the exit code, re-adoption and the orphan kill by run token, and the
 * supervisor's exit record (B5); it declares, in its own words, that a memory limit kills nothing, that it has no
 * per-task process limit, and that grandchildren reparented to init escape its kill.
 */
@EnabledOnOs(OS.LINUX)
class RlimitSandboxContractTest extends ShellContractTest {
    @Override
    protected ProcessSandbox newSandbox() {
        return new RlimitSandbox();
    }

    @Override
    protected Map<ContractRule, String> declaredGaps() {
        return Map.of(
                ContractRule.MEMORY_LIMIT, "allocations past it fail, nothing is killed",
                ContractRule.PROCESS_LIMIT, "no per-task cap without the pids cgroup",
                ContractRule.TREE_KILL, "grandchildren reparented to init escape");
    }

    /** The shell's {@code ulimit -d} after the wrapper's exec: the limit the task started under, in KiB. */
    @Override
    protected List<String> whereAmI() {
        return List.of("/bin/sh", "-c", "ulimit -d");
    }

    @Override
    protected void assertStartedInside(LaunchSpec spec, ResourceLimits limits, String output) {
        long kib = (limits.memoryLimit().orElseThrow() + 1023) / 1024;
        assertThat(output.strip()).isEqualTo(Long.toString(kib));
    }
}
