package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task cgroups a broker made are found from its /proc/<pid>/cgroup, on cgroup v1 and v2. */
class TaskCgroupsTest {
    @Test
    void instanceRootsFollowEachHierarchyOfTheBroker() {
        Path mount = Path.of("/sys/fs/cgroup");

        List<Path> v2 = TaskCgroups.instanceRoots(mount, List.of("0::/user.slice/app.scope"));
        assertThat(v2).contains(mount.resolve("user.slice/app.scope/bgtasks/instances"));

        List<Path> v1 = TaskCgroups.instanceRoots(mount, List.of("4:memory:/process_api/x", "8:pids:/",
                "6:cpu,cpuacct:/c"));
        assertThat(v1).contains(mount.resolve("memory/process_api/x/bgtasks/instances"),
                mount.resolve("pids/bgtasks/instances"), mount.resolve("cpu,cpuacct/c/bgtasks/instances"));
    }

    @Test
    void aTaskCgroupIsNamedAfterAHashOfItsRunTokenNeverTheTokenItself() {
        String name = TaskCgroups.taskName("secret-token");

        assertThat(name).matches("t[0-9a-f]{32}").doesNotContain("secret");
        assertThat(TaskCgroups.taskName("secret-token")).isEqualTo(name);
        assertThat(TaskCgroups.taskName("other-token")).isNotEqualTo(name);
    }

    @Test
    void occupiedCgroupsAreReportedAndEmptyOnesRemoved(@TempDir Path root) throws Exception {
        Path busy = Files.createDirectories(root.resolve(TaskCgroups.taskName("busy")));
        Files.writeString(busy.resolve("cgroup.procs"), "123\n456\n");
        Path idle = Files.createDirectories(root.resolve(TaskCgroups.taskName("idle")));
        TaskCgroups cgroups = new TaskCgroups(List.of(root));

        assertThat(cgroups.occupied(List.of("busy", "idle", "never-started")))
                .singleElement().asString().contains(busy.toString(), "123 456");
        assertThat(cgroups.removeEmpty(List.of("idle", "never-started"))).isEqualTo(1);
        assertThat(idle).doesNotExist();
    }
}
