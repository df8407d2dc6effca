package dev.bgtasks.linux.cgroup;

import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task cgroups on the cgroup2 hierarchy. The kernel's rules shape the layout
 * ({@code Documentation/admin-guide/cgroup-v2.rst}): a cgroup with processes of its own cannot hand controllers to
 * its children, so the broker first moves itself into a leaf {@code <own>/broker}; controllers are enabled top-down
 * in {@code cgroup.subtree_control} of {@code <own>}, {@code <own>/bgtasks} and {@code <own>/bgtasks/instances}; each
 * task gets {@code <own>/bgtasks/instances/<name>} with {@code memory.max}, {@code memory.swap.max=0} (else the limit
 * only pushes the task into swap), {@code memory.oom.group=1} (the tree dies together) and {@code pids.max}.
 *
 * <pre>{@code
 * CgroupV2Driver driver = CgroupV2Driver.open(host.unified().orElseThrow(), fs, ProcessHandle.current().pid());
 * CgroupTask task = driver.create("t0123", limits);
 * }</pre>
 */
final class CgroupV2Driver implements CgroupDriver {
    static final String BROKER_LEAF = "broker";
    static final String SUBTREE = "bgtasks";
    /** Not {@code tasks}: every cgroup v1 directory has a file of that name. */
    static final String TASKS = "instances";
    static final List<String> CONTROLLERS = List.of("memory", "pids");

    private static final Logger LOG = LoggerFactory.getLogger(CgroupV2Driver.class);

    private final CgroupFs fs;
    private final Path own;
    private final String ownPath;
    private final Path brokerDir;
    private final Path tasksRoot;

    private CgroupV2Driver(CgroupFs fs, Path own, String ownPath, Path brokerDir) {
        this.fs = fs;
        this.own = own;
        this.ownPath = ownPath;
        this.brokerDir = brokerDir;
        this.tasksRoot = own.resolve(SUBTREE).resolve(TASKS);
    }

    /**
     * Sets up {@code <own>/bgtasks/instances} with the memory and pids controllers, moving this process into
     * {@code <own>/broker} first when {@code <own>} is not the root cgroup.
     *
     * @param hierarchy the cgroup2 hierarchy with this process's cgroup
     * @param selfPid this process, moved into the broker leaf
     * @throws CgroupUnavailableException naming the controller that is not delegated or the file not writable
     */
    static CgroupV2Driver open(CgroupHost.Hierarchy hierarchy, CgroupFs fs, long selfPid)
            throws CgroupUnavailableException {
        Path own = hierarchy.ownDir();
        String ownPath = hierarchy.ownPath();
        boolean inLeaf = false;
        // A broker that moved itself into <own>/broker before (this JVM, an earlier open) reads that leaf as its
        // own cgroup: <own> is the parent, recognisable by our subtree beside the leaf, by the controllers we
        // enabled for its children, or as a systemd service that started the broker in its delegated subgroup.
        if (own.getFileName() != null && own.getFileName().toString().equals(BROKER_LEAF)
                && !own.equals(hierarchy.mountPoint()) && ownedLeaf(fs, own)) {
            own = own.getParent();
            ownPath = parentPath(ownPath);
            inLeaf = true;
        }
        String where = "cgroup2 " + own;
        if (hierarchy.readOnly()) {
            throw new CgroupUnavailableException(where + ": the cgroup2 hierarchy at " + hierarchy.mountPoint()
                    + " is mounted read-only");
        }
        Set<String> available;
        try {
            available = CgroupParsers.controllers(fs.read(own.resolve("cgroup.controllers")));
        } catch (IOException e) {
            throw new CgroupUnavailableException(where + ": cannot read cgroup.controllers (" + e + ")", e);
        }
        List<String> missing = CONTROLLERS.stream().filter(c -> !available.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new CgroupUnavailableException(where + ": controller(s) " + String.join(", ", missing)
                    + " not available to this cgroup (cgroup.controllers: " + String.join(" ", available)
                    + "); the parent cgroup has not delegated them");
        }
        boolean root = own.equals(hierarchy.mountPoint());
        Path subtree = own.resolve(SUBTREE);
        Path tasks = subtree.resolve(TASKS);
        Path brokerDir = root ? own : own.resolve(BROKER_LEAF);
        try {
            fs.mkdir(subtree);
            fs.mkdir(tasks);
        } catch (IOException e) {
            throw new CgroupUnavailableException(where + ": cannot create " + tasks + " (" + e + ")", e);
        }
        if (!root && !inLeaf) {
            try {
                fs.mkdir(brokerDir);
                fs.write(brokerDir.resolve("cgroup.procs"), Long.toString(selfPid));
                LOG.info("moved the broker (pid {}) into its leaf cgroup {}", selfPid, brokerDir);
            } catch (IOException e) {
                throw new CgroupUnavailableException(where + ": cannot move this process into the leaf " + brokerDir
                        + " (" + e + ")", e);
            }
        }
        try {
            enable(fs, own);
            enable(fs, subtree);
            enable(fs, tasks);
        } catch (IOException e) {
            String others = "";
            try {
                List<Long> left = CgroupParsers.pids(fs.read(own.resolve("cgroup.procs")));
                if (!left.isEmpty()) {
                    others = "; " + own + " still holds processes " + left + " and a cgroup with processes of its own"
                            + " cannot enable controllers for its children: run the broker alone in its cgroup";
                }
            } catch (IOException ignored) {
                others = "";
            }
            throw new CgroupUnavailableException(where + ": cannot enable +memory +pids in cgroup.subtree_control ("
                    + e + ")" + others, e);
        }
        return new CgroupV2Driver(fs, own, ownPath, brokerDir);
    }

    private static boolean ownedLeaf(CgroupFs fs, Path leaf) {
        Path parent = leaf.getParent();
        if (fs.exists(parent.resolve(SUBTREE))) {
            return true;
        }
        // systemd 254+ with DelegateSubgroup=broker (the unit `bgtask service install` writes there) starts the
        // broker in <unit>.service/broker: the unit's cgroup is its own, and a restarted broker starts in the leaf
        // again, which must therefore never hand controllers to children.
        if (parent.getFileName() != null && parent.getFileName().toString().endsWith(".service")) {
            return true;
        }
        try {
            return CgroupParsers.controllers(fs.read(parent.resolve("cgroup.subtree_control")))
                    .containsAll(CONTROLLERS);
        } catch (IOException e) {
            return false;
        }
    }

    /** Adds the missing controllers to a cgroup's {@code cgroup.subtree_control}, all in one write. */
    static void enable(CgroupFs fs, Path cgroup) throws IOException {
        Path control = cgroup.resolve("cgroup.subtree_control");
        Set<String> enabled = CgroupParsers.controllers(fs.read(control));
        String add = CONTROLLERS.stream().filter(c -> !enabled.contains(c)).map(c -> "+" + c)
                .collect(Collectors.joining(" "));
        if (!add.isEmpty()) {
            fs.write(control, add);
        }
    }

    @Override
    public String mechanism() {
        return "cgroup2 memory.max+pids.max";
    }

    @Override
    public SandboxCapabilities capabilities() {
        return new SandboxCapabilities(
                Enforcement.ENFORCED, "cgroup2 memory.max (memory.swap.max=0, memory.oom.group=1)",
                Enforcement.ENFORCED, "cgroup2 pids.max");
    }

    @Override
    public String details() {
        // The root cgroup has neither file, so ask a cgroup of ours that the memory controller reaches.
        boolean kill = fs.exists(tasksRoot.resolve("cgroup.kill"));
        boolean peak = fs.exists(tasksRoot.resolve("memory.peak"));
        return "tasks in " + tasksRoot + "/<task> (memory.max, memory.swap.max=0, memory.oom.group=1, pids.max);"
                + " broker in " + brokerDir + ", never limited; kill: "
                + (kill ? "cgroup.kill"
                        : "cgroup.freeze, SIGKILL to every pid, thaw (no cgroup.kill before Linux 5.14)")
                + "; peak: " + (peak ? "memory.peak"
                        : "the highest memory.current sampled (no memory.peak before 5.19)")
                + "; out-of-memory: memory.events oom_kill";
    }

    @Override
    public List<Path> taskRoots() {
        return List.of(tasksRoot);
    }

    @Override
    public List<Path> brokerDirs() {
        return List.of(brokerDir);
    }

    @Override
    public CgroupTask create(String name, ResourceLimits limits) throws IOException {
        Path dir = tasksRoot.resolve(name);
        try {
            fs.mkdir(dir);
        } catch (NoSuchFileException e) {
            // Another sandbox removed the empty subtree meanwhile: make it again.
            fs.mkdir(own.resolve(SUBTREE));
            enable(fs, own.resolve(SUBTREE));
            fs.mkdir(tasksRoot);
            enable(fs, tasksRoot);
            fs.mkdir(dir);
        }
        CgroupV2Task task = new CgroupV2Task(fs, name, dir, expectedPath(name));
        try {
            task.applyLimits(limits);
        } catch (IOException e) {
            task.remove();
            throw e;
        }
        return task;
    }

    @Override
    public Optional<CgroupTask> find(String name) {
        Path dir = tasksRoot.resolve(name);
        return fs.exists(dir) ? Optional.of(new CgroupV2Task(fs, name, dir, expectedPath(name))) : Optional.empty();
    }

    @Override
    public Set<String> taskNames() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (Path child : fs.children(tasksRoot)) {
            out.add(child.getFileName().toString());
        }
        return out;
    }

    @Override
    public Optional<String> taskNameOf(String procCgroup) {
        String prefix = join(ownPath, SUBTREE + "/" + TASKS + "/");
        for (CgroupParsers.Membership m : CgroupParsers.procCgroup(procCgroup)) {
            if (m.unified() && m.path().startsWith(prefix)) {
                String name = m.path().substring(prefix.length());
                if (!name.isEmpty() && !name.contains("/")) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void removeEmptySubtree() {
        for (Path dir : List.of(tasksRoot, own.resolve(SUBTREE))) {
            try {
                if (fs.exists(dir) && fs.children(dir).isEmpty()) {
                    fs.rmdir(dir);
                }
            } catch (IOException e) {
                LOG.debug("not removing {}: {}", dir, e.toString());
                return;
            }
        }
    }

    // The task's cgroup as /proc/<pid>/cgroup shows it for a process inside.
    private String expectedPath(String name) {
        return join(ownPath, SUBTREE + "/" + TASKS + "/" + name);
    }

    /** {@code ownPath/rel} as {@code /proc/<pid>/cgroup} would show it. */
    static String join(String ownPath, String rel) {
        return ownPath.endsWith("/") ? ownPath + rel : ownPath + "/" + rel;
    }

    static String parentPath(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
