package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@code CgroupSandbox} on cgroup2 ({@code memory.max}, {@code pids.max}, {@code cgroup.kill}) under the backend
 * contract: every rule is held for real. Runs where this process's cgroup2 cgroup has the memory and pids
 * controllers: the Debian VM rig. On the CI container cgroup2 has neither (they are bound to v1), so it is disabled
 * there and {@link CgroupV1SandboxContractTest} runs instead.
 */
@EnabledOnOs(OS.LINUX)
@EnabledIf(value = "dev.bgtasks.nativetests.linux.CgroupContract#v2MemoryAndPidsHere",
        disabledReason = "this process's cgroup2 cgroup has no memory and pids controllers (here they are bound to"
                + " cgroup v1); the cgroup2 contract runs in the Debian VM rig")
class CgroupV2SandboxContractTest extends CgroupContract {
    @Override
    String mechanism() {
        return "cgroup2";
    }

    @Override
    void assertTaskLines(List<String> taskLines, String all) {
        assertThat(taskLines).as(all).singleElement().asString().startsWith("0::");
    }
}
