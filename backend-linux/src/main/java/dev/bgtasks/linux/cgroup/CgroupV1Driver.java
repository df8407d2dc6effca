package dev.bgtasks.linux.cgroup;

import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.TaskSupervisor;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task cgroups on cgroup v1 hierarchies. v1 has one tree per controller, so a task gets a directory in each:
 * {@code memory} ({@code memory.limit_in_bytes}, and {@code memory.memsw.limit_in_bytes} at the same value where
 * swap is accounted, so the limit cannot be dodged into swap), {@code pids} ({@code pids.max}), {@code freezer} (for
 * the kill: freeze, SIGKILL every pid, thaw — a frozen process cannot fork a new one meanwhile) and, when present,
 * {@code cpuacct} for the CPU time. v1 has no "no internal process" rule, so the broker stays where it is.
 *
 * <pre>{@code
 * CgroupV1Driver driver = CgroupV1Driver.open(host, fs);
 * CgroupTask task = driver.create("t0123", limits);
 * }</pre>
 */
final class CgroupV1Driver implements CgroupDriver {
    static final List<String> REQUIRED = List.of("memory", "pids");
    static final List<String> OPTIONAL = List.of("freezer", "cpuacct");

    private static final Logger LOG = LoggerFactory.getLogger(CgroupV1Driver.class);

    private final CgroupFs fs;
    /** Controller to the hierarchy that serves it, for the controllers in use. */
    private final Map<String, CgroupHost.Hierarchy> byController;
    /** The distinct hierarchies in use, in join order. */
    private final List<CgroupHost.Hierarchy> hierarchies;

    private CgroupV1Driver(CgroupFs fs, Map<String, CgroupHost.Hierarchy> byController) {
        this.fs = fs;
        this.byController = byController;
        this.hierarchies = List.copyOf(new LinkedHashSet<>(byController.values()));
    }

    /**
     * Makes {@code <own>/bgtasks/instances} in the memory, pids, freezer and cpuacct hierarchies.
     *
     * @throws CgroupUnavailableException when the memory or pids hierarchy is missing or not writable
     */
    static CgroupV1Driver open(CgroupHost host, CgroupFs fs) throws CgroupUnavailableException {
        Map<String, CgroupHost.Hierarchy> used = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String controller : REQUIRED) {
            CgroupHost.Hierarchy h = host.v1().get(controller);
            if (h == null) {
                problems.add(controller + ": no cgroup v1 hierarchy of it is mounted for this process");
                continue;
            }
            prepare(fs, controller, h).ifPresentOrElse(problems::add, () -> used.put(controller, h));
        }
        if (!problems.isEmpty()) {
            throw new CgroupUnavailableException("cgroup1: " + String.join("; ", problems));
        }
        for (String controller : OPTIONAL) {
            CgroupHost.Hierarchy h = host.v1().get(controller);
            if (h == null) {
                LOG.info("cgroup1 {} hierarchy not mounted: {}", controller, controller.equals("freezer")
                        ? "tasks are killed by repeated SIGKILL rounds instead of freeze-and-kill"
                        : "task CPU time reads as 0");
                continue;
            }
            prepare(fs, controller, h).ifPresentOrElse(problem -> LOG.info("cgroup1 {} not used: {}", controller,
                    problem), () -> used.put(controller, h));
        }
        return new CgroupV1Driver(fs, used);
    }

    // Empty when usable, else the problem.
    private static Optional<String> prepare(CgroupFs fs, String controller, CgroupHost.Hierarchy h) {
        if (h.readOnly()) {
            return Optional.of(controller + ": " + h.mountPoint() + " is mounted read-only");
        }
        Path subtree = h.ownDir().resolve(CgroupV2Driver.SUBTREE);
        try {
            fs.mkdir(subtree);
            fs.mkdir(subtree.resolve(CgroupV2Driver.TASKS));
        } catch (IOException e) {
            return Optional.of(controller + ": cannot create " + subtree.resolve(CgroupV2Driver.TASKS) + " (" + e
                    + ")");
        }
        String probe = switch (controller) {
            case "memory" -> "memory.limit_in_bytes";
            case "pids" -> "pids.max";
            case "freezer" -> "freezer.state";
            default -> "cgroup.procs";
        };
        if (!fs.exists(subtree.resolve(probe))) {
            return Optional.of(controller + ": " + subtree + " has no " + probe);
        }
        return Optional.empty();
    }

    @Override
    public String mechanism() {
        return "cgroup1 memory+pids";
    }

    @Override
    public SandboxCapabilities capabilities() {
        return new SandboxCapabilities(
                Enforcement.ENFORCED, "cgroup1 memory.limit_in_bytes (memory.memsw.limit_in_bytes at the same value"
                        + " where swap is accounted)",
                Enforcement.ENFORCED, "cgroup1 pids.max");
    }

    @Override
    public String details() {
        List<String> roots = new ArrayList<>();
        byController.forEach((c, h) -> roots.add(c + " " + taskRoot(h) + "/<task>"));
        return "tasks in " + String.join(", ", roots)
                + " (memory.limit_in_bytes, memory.memsw.limit_in_bytes, pids.max); broker cgroups never limited;"
                + " kill: " + (byController.containsKey("freezer")
                        ? "freezer.state FROZEN, SIGKILL to every pid, THAWED, until empty"
                        : "SIGKILL to every pid, repeated until empty (no freezer hierarchy)")
                + "; peak: memory.max_usage_in_bytes; out-of-memory: memory.oom_control oom_kill";
    }

    @Override
    public List<Path> taskRoots() {
        return hierarchies.stream().map(CgroupV1Driver::taskRoot).toList();
    }

    @Override
    public List<Path> brokerDirs() {
        return hierarchies.stream().map(CgroupHost.Hierarchy::ownDir).toList();
    }

    private static Path taskRoot(CgroupHost.Hierarchy h) {
        return h.ownDir().resolve(CgroupV2Driver.SUBTREE).resolve(CgroupV2Driver.TASKS);
    }

    @Override
    public CgroupTask create(String name, ResourceLimits limits) throws IOException {
        Task task = new Task(fs, name);
        try {
            for (CgroupHost.Hierarchy h : hierarchies) {
                Path dir = taskRoot(h).resolve(name);
                try {
                    fs.mkdir(dir);
                } catch (NoSuchFileException e) {
                    // Another sandbox removed the empty subtree meanwhile: make it again.
                    fs.mkdir(h.ownDir().resolve(CgroupV2Driver.SUBTREE));
                    fs.mkdir(taskRoot(h));
                    fs.mkdir(dir);
                }
            }
            task.applyLimits(limits);
        } catch (IOException e) {
            task.remove();
            throw e;
        }
        return task;
    }

    @Override
    public Optional<CgroupTask> find(String name) {
        for (CgroupHost.Hierarchy h : hierarchies) {
            if (fs.exists(taskRoot(h).resolve(name))) {
                return Optional.of(new Task(fs, name));
            }
        }
        return Optional.empty();
    }

    @Override
    public Set<String> taskNames() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (CgroupHost.Hierarchy h : hierarchies) {
            for (Path child : fs.children(taskRoot(h))) {
                out.add(child.getFileName().toString());
            }
        }
        return out;
    }

    @Override
    public Optional<String> taskNameOf(String procCgroup) {
        CgroupHost.Hierarchy memory = byController.get("memory");
        String prefix = CgroupV2Driver.join(memory.ownPath(),
                CgroupV2Driver.SUBTREE + "/" + CgroupV2Driver.TASKS + "/");
        for (CgroupParsers.Membership m : CgroupParsers.procCgroup(procCgroup)) {
            if (m.controllers().contains("memory") && m.path().startsWith(prefix)) {
                String name = m.path().substring(prefix.length());
                if (!name.isEmpty() && !name.contains("/") && new Task(fs, name).holds(procCgroup)) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void removeEmptySubtree() {
        for (CgroupHost.Hierarchy h : hierarchies) {
            for (Path dir : List.of(taskRoot(h), h.ownDir().resolve(CgroupV2Driver.SUBTREE))) {
                try {
                    if (fs.exists(dir) && fs.children(dir).isEmpty()) {
                        fs.rmdir(dir);
                    }
                } catch (IOException e) {
                    LOG.debug("not removing {}: {}", dir, e.toString());
                    break;
                }
            }
        }
    }

    /** One task's directories, one per hierarchy in use. */
    private final class Task extends CgroupTask {
        Task(CgroupFs fs, String name) {
            super(fs, name);
        }

        private Path dir(String controller) {
            CgroupHost.Hierarchy h = byController.get(controller);
            return h == null ? null : taskRoot(h).resolve(name());
        }

        @Override
        List<Path> dirs() {
            return hierarchies.stream().map(h -> taskRoot(h).resolve(name())).toList();
        }

        @Override
        boolean holds(String procCgroup) {
            List<CgroupParsers.Membership> lines = CgroupParsers.procCgroup(procCgroup);
            for (Map.Entry<String, CgroupHost.Hierarchy> e : byController.entrySet()) {
                String expected = CgroupV2Driver.join(e.getValue().ownPath(),
                        CgroupV2Driver.SUBTREE + "/" + CgroupV2Driver.TASKS + "/" + name());
                boolean in = lines.stream().anyMatch(m -> m.controllers().contains(e.getKey())
                        && m.path().equals(expected));
                if (!in) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void applyLimits(ResourceLimits limits) throws IOException {
            Path memory = dir("memory");
            Path limit = memory.resolve("memory.limit_in_bytes");
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            OptionalLong wanted = limits.memoryLimit();
            String value = wanted.isPresent() ? Long.toString(wanted.getAsLong()) : "-1";
            if (fs.exists(memsw)) {
                // memsw must stay >= the memory limit at every moment: raise it first, lower it last.
                OptionalLong current = CgroupParsers.limit(fs.read(limit));
                boolean raising = wanted.isEmpty() || current.isPresent() && wanted.getAsLong() > current.getAsLong();
                if (raising) {
                    fs.write(memsw, value);
                    fs.write(limit, value);
                } else {
                    fs.write(limit, value);
                    fs.write(memsw, value);
                }
            } else {
                fs.write(limit, value);
            }
            fs.write(dir("pids").resolve("pids.max"), Integer.toString(limits.effectiveMaxProcesses()));
        }

        @Override
        long memoryBytes() {
            return readNumber(dir("memory").resolve("memory.usage_in_bytes"));
        }

        @Override
        OptionalLong peakMemoryBytes() {
            return OptionalLong.of(readNumber(dir("memory").resolve("memory.max_usage_in_bytes")));
        }

        @Override
        long oomKills() {
            // oom_kill is in memory.oom_control since Linux 4.13.
            return readKey(dir("memory").resolve("memory.oom_control"), "oom_kill");
        }

        @Override
        boolean killsTreeOnOom() {
            // v1 has no memory.oom.group: its OOM killer takes one process, the largest.
            return false;
        }

        @Override
        long processLimitHits() {
            return readKey(dir("pids").resolve("pids.events"), "max");
        }

        @Override
        TaskSupervisor.Counters counterFiles() {
            // oom_kill is in memory.oom_control since Linux 4.13.
            return new TaskSupervisor.Counters(dir("memory").resolve("memory.max_usage_in_bytes"),
                    dir("memory").resolve("memory.oom_control"), dir("pids").resolve("pids.events"));
        }

        @Override
        int processCount() {
            return (int) readNumber(dir("pids").resolve("pids.current"));
        }

        @Override
        Duration cpuTime() {
            Path cpuacct = dir("cpuacct");
            return cpuacct == null ? Duration.ZERO : Duration.ofNanos(readNumber(cpuacct.resolve("cpuacct.usage")));
        }

        @Override
        void kill() {
            long end = System.nanoTime() + KILL_DEADLINE.toNanos();
            Path freezer = dir("freezer");
            while (!isEmpty() && System.nanoTime() - end < 0) {
                try {
                    if (freezer != null) {
                        Path state = freezer.resolve("freezer.state");
                        fs.write(state, "FROZEN");
                        try {
                            waitUntil(() -> frozen(state), Duration.ofSeconds(1));
                            killPids(pids());
                        } finally {
                            // A SIGKILLed process dies only once thawed.
                            fs.write(state, "THAWED");
                        }
                    } else {
                        killPids(pids());
                    }
                } catch (NoSuchFileException e) {
                    return;
                } catch (IOException e) {
                    LOG.warn("freezing task cgroup {} failed; killing without freezing", name(), e);
                    killPids(pids());
                }
                waitUntil(this::isEmpty, Duration.ofMillis(300));
            }
            logLeft(freezer != null ? "freeze and SIGKILL" : "SIGKILL rounds");
        }

        private boolean frozen(Path state) {
            try {
                return CgroupParsers.freezerState(fs.read(state)).filter("FROZEN"::equals).isPresent();
            } catch (IOException e) {
                return true;
            }
        }
    }
}
