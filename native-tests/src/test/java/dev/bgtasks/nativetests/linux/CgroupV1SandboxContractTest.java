package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@code CgroupSandbox} on cgroup v1 (memory, pids and freezer hierarchies) under the backend contract: every rule
 * is held for real. Runs wherever v1 memory and pids hierarchies hold this process (the CI host); there, a sandbox
 * that cannot be made fails under {@code BGTASKS_REQUIRE_NATIVE=1}.
 */
@EnabledOnOs(OS.LINUX)
@EnabledIf(value = "dev.bgtasks.nativetests.linux.CgroupContract#v1MemoryAndPidsHoldThisProcess",
        disabledReason = "no cgroup v1 memory and pids hierarchies hold this process (a cgroup2-only host: the"
                + " cgroup2 contract runs there)")
class CgroupV1SandboxContractTest extends CgroupContract {
    @Override
    String mechanism() {
        return "cgroup1";
    }

    @Override
    void assertTaskLines(List<String> taskLines, String all) {
        // One line per hierarchy the task joined, memory and pids among them, before cat's first instruction.
        assertThat(taskLines).as(all).anyMatch(l -> l.matches("\\d+:([^:]*,)?memory(,[^:]*)?:.*"))
                .anyMatch(l -> l.matches("\\d+:([^:]*,)?pids(,[^:]*)?:.*"));
    }
}
