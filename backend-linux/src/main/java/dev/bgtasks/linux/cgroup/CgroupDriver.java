package dev.bgtasks.linux.cgroup;

import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxCapabilities;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One cgroup version's way of making task cgroups beneath the broker's own cgroup: cgroup2 ({@link CgroupV2Driver})
 * or cgroup v1 ({@link CgroupV1Driver}). A driver exists only once its subtree ({@code <own>/bgtasks/instances}) is
 * made and writable; what happens inside one task cgroup is {@link CgroupTask}'s.
 *
 * <pre>{@code
 * CgroupTask task = driver.create(name, limits);
 * List<Path> join = task.procsFiles();      // the wrapper writes its pid into each
 * }</pre>
 */
interface CgroupDriver {
    /** What {@code bgtask doctor} prints: {@code cgroup2 memory.max+pids.max}, {@code cgroup1 memory+pids}. */
    String mechanism();

    SandboxCapabilities capabilities();

    /** The files, the kill method and the directories in use, for {@code describe()}. */
    String details();

    /** The directories the task cgroups are made in, one per hierarchy. */
    List<Path> taskRoots();

    /** The broker's own cgroups (never limited), one per hierarchy. */
    List<Path> brokerDirs();

    /** Makes the task cgroup {@code name} in every hierarchy (or takes an empty leftover of it) and limits it. */
    CgroupTask create(String name, ResourceLimits limits) throws IOException;

    /** The task cgroup {@code name} when it exists in some hierarchy. */
    Optional<CgroupTask> find(String name);

    /** The names of the task cgroups that exist now, in any hierarchy. */
    Set<String> taskNames() throws IOException;

    /** The task cgroup a process is in, from its {@code /proc/<pid>/cgroup}, when it is ours in every hierarchy. */
    Optional<String> taskNameOf(String procCgroup);

    /** Removes the empty {@code bgtasks} subtree, when nothing else is left in it. */
    void removeEmptySubtree();
}
