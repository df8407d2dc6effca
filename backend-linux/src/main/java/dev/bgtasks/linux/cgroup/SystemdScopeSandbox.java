package dev.bgtasks.linux.cgroup;

import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.spi.TaskSupervisor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux sandbox where the broker's own cgroup is not writable but a systemd user manager has the memory and pids
 * controllers delegated (cgroup v2): each task runs in a transient scope,
 * {@code systemd-run --user --scope --quiet --unit=bgtasks-<hash> -p MemoryMax=... -p MemorySwapMax=0
 * -p TasksMax=... -p OOMPolicy=kill -- /bin/sh -c <supervisor> ... <command...>}. systemd-run moves itself into the
 * scope and then execs the task's supervisor ({@link TaskSupervisor}, SPEC B5), whose child is the command, so the
 * task never runs outside the scope; the task's pid is the command's. The supervisor writes the command's exit
 * status and the scope's counters beside the run log, so a task that ends while no broker runs keeps its outcome.
 *
 * <p>On cgroup v1, or where the user manager has no controllers delegated, systemd accepts the same scope and
 * silently enforces nothing; so after the start the scope's cgroup is found through {@code /proc/<pid>/cgroup} (the
 * {@code 0::} line) and its {@code memory.max} and {@code pids.max} are compared with the request. A scope that does
 * not hold the limits is killed and the launch fails.
 *
 * <p>A scope is a unit of the user manager, not a child of the broker's cgroup, so its task outlives the broker (a
 * broker run as a systemd service too: this is how a service broker on systemd before 254, which cannot start the
 * restarted broker in a delegated subgroup, keeps its tasks out of its own unit). A restarted broker re-adopts it
 * ({@link #adopt}: the run token in {@code /proc/<pid>/environ}, the token's scope in {@code /proc/<pid>/cgroup}).
 *
 * <pre>{@code
 * List<String> whyNot = new ArrayList<>();
 * Optional<SystemdScopeSandbox> scope = SystemdScopeSandbox.probe(System.getenv(), whyNot);
 * }</pre>
 */
public final class SystemdScopeSandbox implements ProcessSandbox {
    static final String SYSTEMD_RUN = "systemd-run";
    static final String SYSTEMCTL = "systemctl";
    static final String UNIT_PREFIX = "bgtasks-";
    /** How long the sandbox waits to see a started task inside its scope. */
    static final Duration JOIN_DEADLINE = Duration.ofSeconds(2);
    static final String UNENFORCED = "systemd accepted the scope but enforces nothing here";
    private static final String RUNTIME_DIRECTORY = "XDG_RUNTIME_DIR";

    private static final Logger LOG = LoggerFactory.getLogger(SystemdScopeSandbox.class);

    private final Path systemdRun;
    /** systemd-run finds the user manager through it, whether or not the task's environment has it. */
    private final String runtimeDirectory;
    private final Roots roots;
    private final Runner runner;
    private final CgroupFs fs;
    private final ScopeTokens tokens;
    private final ScheduledThreadPoolExecutor scheduler;
    /** Null without systemctl on PATH: then an OOM kill is known only from the scope's own counters. */
    private final ScopeUnits units;

    /** Starts a process: the real one is a {@link ProcessBuilder}; tests wrap it to play the kernel's part. */
    @FunctionalInterface
    interface Runner {
        Process start(List<String> argv, Map<String, String> environment, Path workingDirectory, Path logFile)
                throws IOException;
    }

    /**
     * Where the sandbox looks.
     *
     * @param cgroup2Mount the mount point of the cgroup2 hierarchy, null when there is none
     * @param proc what {@code /proc} is
     */
    record Roots(Path cgroup2Mount, Path proc) {
        Roots {
            Objects.requireNonNull(proc, "proc");
        }

        /** This host: the cgroup2 mount from {@code /proc/self/mountinfo}. */
        static Roots host() {
            Path mount = null;
            try {
                String info = Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
                for (CgroupParsers.Mount m : CgroupParsers.cgroupMounts(info)) {
                    if (m.unified()) {
                        mount = Path.of(m.mountPoint());
                        break;
                    }
                }
            } catch (IOException e) {
                LOG.debug("cannot read /proc/self/mountinfo", e);
            }
            return new Roots(mount, Path.of("/proc"));
        }
    }

    /** The real runner: exactly the environment given (SPEC S5), output and errors appended to the log. */
    static final Runner PROCESS_BUILDER = (argv, environment, workingDirectory, logFile) -> {
        Path log = logFile.toAbsolutePath();
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.directory(workingDirectory.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    };

    private SystemdScopeSandbox(Path systemdRun, Optional<Path> systemctl, String runtimeDirectory, Roots roots,
                                Runner runner) {
        this.systemdRun = systemdRun;
        this.units = systemctl.map(path -> new ScopeUnits(path, runtimeDirectory)).orElse(null);
        this.runtimeDirectory = runtimeDirectory;
        this.roots = roots;
        this.runner = runner;
        this.fs = new CgroupFs(roots.proc());
        this.tokens = new ScopeTokens(fs, roots.cgroup2Mount());
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-scope");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Whether transient user scopes can hold the limits on this host ({@link #probe(Map, Roots, Runner, List)}).
     *
     * @param env the environment: {@code PATH} and {@code XDG_RUNTIME_DIR} are read
     * @param whyNot receives the reasons when the sandbox is not available
     * @return the sandbox, or empty
     */
    public static Optional<SystemdScopeSandbox> probe(Map<String, String> env, List<String> whyNot) {
        return probe(env, Roots.host(), PROCESS_BUILDER, whyNot);
    }

    /**
     * Whether transient scopes can hold the limits here: {@code systemd-run} on {@code PATH}, a user manager (its
     * socket {@code $XDG_RUNTIME_DIR/systemd/private}) and a cgroup2 hierarchy.
     *
     * @param whyNot receives the reasons when the sandbox is not available
     */
    static Optional<SystemdScopeSandbox> probe(Map<String, String> env, Roots roots, Runner runner,
                                               List<String> whyNot) {
        List<String> reasons = new ArrayList<>();
        Optional<Path> run = onPath(env.get("PATH"), SYSTEMD_RUN);
        if (run.isEmpty()) {
            reasons.add(SYSTEMD_RUN + " is not on PATH");
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime == null || runtime.isBlank()) {
            reasons.add("XDG_RUNTIME_DIR is not set (no systemd user manager for this session)");
        } else {
            Path socket = Path.of(runtime, "systemd", "private");
            if (!Files.exists(socket)) {
                reasons.add("no systemd user manager: " + socket + " does not exist");
            }
        }
        if (roots.cgroup2Mount() == null || !Files.exists(roots.cgroup2Mount().resolve("cgroup.controllers"))) {
            reasons.add("no cgroup2 (unified) hierarchy: systemd scopes would enforce nothing on cgroup v1");
        }
        if (!reasons.isEmpty()) {
            whyNot.add("systemd scope: " + String.join("; ", reasons));
            return Optional.empty();
        }
        Optional<Path> systemctl = onPath(env.get("PATH"), SYSTEMCTL);
        if (systemctl.isEmpty()) {
            LOG.info("{} is not on PATH: an OOM kill in a task's scope is seen only while the scope's cgroup lasts",
                    SYSTEMCTL);
        }
        return Optional.of(new SystemdScopeSandbox(run.get(), systemctl, runtime, roots, runner));
    }

    /** The first executable {@code name} in a {@code PATH} value. */
    static Optional<Path> onPath(String path, String name) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The scope's unit name for a run token: a hash, so the token (a secret) never shows in the unit list. */
    static String unitName(String runToken) {
        return UNIT_PREFIX + RunToken.hashHex(runToken, 8);
    }

    /** The whole argument vector: systemd-run's options, then {@code --} and the task's arguments, no shell. */
    static List<String> argv(Path systemdRun, String runToken, ResourceLimits limits, List<String> command) {
        // No --collect: a scope that systemd marks failed (Result=oom-kill) must stay loaded until ScopeUnits has read
        // why, and then unloads it.
        List<String> out = new ArrayList<>(List.of(systemdRun.toString(), "--user", "--scope", "--quiet",
                "--unit=" + unitName(runToken),
                "-p", "MemoryMax=" + (limits.memoryLimit().isPresent()
                        ? Long.toString(limits.memoryLimit().getAsLong()) : "infinity"),
                "-p", "MemorySwapMax=0",
                "-p", "TasksMax=" + limits.effectiveMaxProcesses(),
                "-p", "OOMPolicy=kill",
                "--"));
        out.addAll(command);
        return out;
    }

    @Override
    public SandboxCapabilities capabilities() {
        return new SandboxCapabilities(
                Enforcement.ENFORCED, "systemd-run --user --scope -p MemoryMax (MemorySwapMax=0, OOMPolicy=kill),"
                        + " checked in the scope's cgroup2 memory.max",
                Enforcement.ENFORCED, "systemd-run --user --scope -p TasksMax, checked in the scope's pids.max");
    }

    @Override
    public SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(limits, "limits");
        String unit = unitName(spec.runToken());
        Map<String, String> environment = spec.environment();
        boolean dropRuntimeDirectory = !environment.containsKey(RUNTIME_DIRECTORY);
        if (dropRuntimeDirectory) {
            // systemd-run needs it and the scope's command inherits systemd-run's environment: the supervisor takes
            // it away again before the task's program starts.
            environment = new java.util.HashMap<>(environment);
            environment.put(RUNTIME_DIRECTORY, runtimeDirectory);
        }
        List<String> command = supervised(roots.cgroup2Mount(), dropRuntimeDirectory,
                TaskEndRecords.exitFile(spec.logFile().toAbsolutePath()), spec.command());
        Process process = runner.start(argv(systemdRun, spec.runToken(), limits, command),
                environment, spec.workingDirectory(), spec.logFile());
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing stdin of pid {} failed", process.pid(), e);
        }
        Optional<CgroupV2Task> scope;
        try {
            scope = verify(process, unit, limits);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        ProcessHandle main = commandOf(process);
        ScopeProcess p = ScopeProcess.launched(process, main, scope.orElse(null), unit, scheduler, units);
        LOG.debug("launched pid {} (supervisor {}) in scope {}: {}", main.pid(), process.pid(), unit,
                spec.command());
        return p;
    }

    /**
     * What systemd-run runs in the scope: the task's supervisor (SPEC B5), {@link TaskSupervisor}, whose prelude
     * finds the scope's cgroup in {@code /proc/self/cgroup} (systemd names the scope's place, not bgtasks) and
     * hands its {@code memory.peak}, {@code memory.events} and {@code pids.events} to the supervisor as the counter
     * files, and, when the task was not given the session's runtime directory, unsets it. All builtins: the prelude
     * forks nothing a process limit could refuse.
     */
    static List<String> supervised(Path cgroup2Mount, boolean dropRuntimeDirectory, Path exitFile,
                                   List<String> command) {
        String prelude = "m=$1 && shift 1 && "
                + (dropRuntimeDirectory ? "unset " + RUNTIME_DIRECTORY + " && " : "")
                + "c= && { while IFS= read -r l; do case $l in 0::*) c=$m${l#0::} ;; esac; done < /proc/self/cgroup; }"
                + " && x=$1 && shift 4"
                + " && set -- \"$x\" \"${c:+$c/memory.peak}\" \"${c:+$c/memory.events}\" \"${c:+$c/pids.events}\" \"$@\"";
        return TaskSupervisor.command(prelude, List.of(cgroup2Mount == null ? "" : cgroup2Mount.toString()),
                exitFile, TaskSupervisor.Counters.NONE, command);
    }

    /**
     * The task's main process: the supervisor's child, as soon as it is there. A command that ended before it was
     * seen (and took its supervisor along) leaves the supervisor to stand for it.
     */
    private static ProcessHandle commandOf(Process supervisor) {
        ProcessHandle[] found = {null};
        CgroupTask.waitUntil(() -> {
            found[0] = supervisor.children().findFirst().orElse(null);
            return found[0] != null || !supervisor.isAlive();
        }, JOIN_DEADLINE);
        if (found[0] == null) {
            LOG.debug("the command of supervisor {} was not seen; the supervisor stands for it", supervisor.pid());
            return supervisor.toHandle();
        }
        TaskSupervisor.awaitExec(found[0], supervisor.toHandle(), JOIN_DEADLINE);
        return found[0];
    }

    /**
     * Waits for the process to show up in its scope and checks the scope's limits; empty when the process ended
     * before it could be seen there (systemd-run refused, or the task was that quick).
     */
    private Optional<CgroupV2Task> verify(Process process, String unit, ResourceLimits limits) throws IOException {
        long pid = process.pid();
        String suffix = "/" + unit + ".scope";
        String[] seen = new String[1];
        boolean settled = CgroupTask.waitUntil(() -> {
            seen[0] = fs.procCgroup(pid).flatMap(SystemdScopeSandbox::unifiedPath).orElse(null);
            return (seen[0] != null && seen[0].endsWith(suffix)) || !process.isAlive();
        }, JOIN_DEADLINE);
        if (seen[0] == null || !seen[0].endsWith(suffix)) {
            if (settled) {
                LOG.warn("pid {} ended before it was seen in scope {} (see the task's log for systemd-run's"
                        + " message); its limits could not be checked", pid, unit);
                return Optional.empty();
            }
            kill(process, null);
            throw new IOException("pid " + pid + " did not enter scope " + unit + " within "
                    + JOIN_DEADLINE.toMillis() + " ms; its cgroup2 path is " + seen[0]);
        }
        Path dir = roots.cgroup2Mount().resolve(stripLeadingSlash(seen[0]));
        CgroupV2Task scope = new CgroupV2Task(fs, unit, dir, seen[0]);
        String wantMemory = wantedMemory(limits);
        String wantPids = Integer.toString(limits.effectiveMaxProcesses());
        String memory = readTrimmed(dir.resolve("memory.max")).orElse("(missing)");
        String pids = readTrimmed(dir.resolve("pids.max")).orElse("(missing)");
        if (!memory.equals(wantMemory) || !pids.equals(wantPids)) {
            kill(process, scope);
            throw new IOException(UNENFORCED + ": scope " + unit + " (" + dir + ") has memory.max " + memory
                    + " (wanted " + wantMemory + ") and pids.max " + pids + " (wanted " + wantPids + "); cgroup v1,"
                    + " or the user manager has no memory and pids controllers delegated. The task was killed.");
        }
        return Optional.of(scope);
    }

    private void kill(Process process, CgroupV2Task scope) {
        if (scope != null) {
            scope.writeKill();
        }
        // The supervisor's command too, where there is no cgroup.kill (before Linux 5.14) or no scope was seen.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.onExit().get(JOIN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("pid {} still alive after SIGKILL", process.pid());
        }
    }

    /** The cgroup2 path in a {@code /proc/<pid>/cgroup} text: its {@code 0::} line. */
    static Optional<String> unifiedPath(String procCgroup) {
        return CgroupParsers.procCgroup(procCgroup).stream().filter(CgroupParsers.Membership::unified)
                .map(CgroupParsers.Membership::path).findFirst();
    }

    private static String wantedMemory(ResourceLimits limits) {
        return limits.memoryLimit().isPresent() ? Long.toString(limits.memoryLimit().getAsLong()) : "max";
    }

    private Optional<String> readTrimmed(Path file) {
        try {
            return Optional.of(fs.read(file).trim());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static String stripLeadingSlash(String s) {
        String t = s;
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        return t;
    }

    /**
     * SPEC B3: takes back a task of a previous broker. Its scope is a unit of the user manager, so it outlived that
     * broker (a broker run as a service does not take it down, SPEC B6 then finds it by its token). The process must
     * carry {@code BGTASKS_RUN_TOKEN=<runToken>} in its environment (pids are reused) and be in the scope of that
     * token; its supervisor, when it is the process's parent in the same scope, is watched for the end, as it exits
     * only after it wrote the exit record. The scope's limits are checked again: the user manager keeps them, but a
     * scope that no longer holds the registration's limits is reported.
     */
    @Override
    public Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits) {
        Objects.requireNonNull(runToken, "runToken");
        Objects.requireNonNull(limits, "limits");
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        String unit = unitName(runToken);
        if (!RunToken.isCarriedByProcess(() -> fs.environ(pid), runToken)) {
            LOG.warn("pid {}: its environment does not carry the run token; not ours", pid);
            return Optional.empty();
        }
        Optional<String> path = fs.procCgroup(pid).flatMap(SystemdScopeSandbox::unifiedPath);
        if (path.isEmpty() || !path.get().endsWith("/" + unit + ".scope") || roots.cgroup2Mount() == null) {
            LOG.warn("pid {}: not in the scope of its run token ({} instead of .../{}.scope)", pid,
                    path.orElse("none"), unit);
            return Optional.empty();
        }
        Path dir = roots.cgroup2Mount().resolve(stripLeadingSlash(path.get()));
        CgroupV2Task scope = new CgroupV2Task(fs, unit, dir, path.get());
        String memory = readTrimmed(dir.resolve("memory.max")).orElse("(missing)");
        String pids = readTrimmed(dir.resolve("pids.max")).orElse("(missing)");
        if (!memory.equals(wantedMemory(limits)) || !pids.equals(Integer.toString(limits.effectiveMaxProcesses()))) {
            LOG.warn("re-adopted scope {} has memory.max {} and pids.max {}, not the registration's {} and {}: it"
                    + " keeps the limits it was started with", unit, memory, pids, wantedMemory(limits),
                    limits.effectiveMaxProcesses());
        }
        long parent = fs.parentOf(pid).orElse(-1);
        Optional<ProcessHandle> supervisor = parent <= 0 ? Optional.empty()
                : fs.procCgroup(parent).flatMap(SystemdScopeSandbox::unifiedPath).filter(path.get()::equals)
                .flatMap(ignored -> ProcessHandle.of(parent));
        ScopeProcess p = ScopeProcess.adopted(handle.get(), supervisor.orElse(handle.get()), scope, unit, scheduler,
                units);
        LOG.info("re-adopted pid {} (supervisor {}) in scope {}", pid,
                supervisor.map(s -> Long.toString(s.pid())).orElse("gone"), unit);
        return Optional.of(p);
    }

    @Override
    public boolean canReadopt() {
        return true;
    }

    /**
     * SPEC B6: the main process of the scope of {@code runToken}, when it holds one that carries the token
     * ({@link ScopeTokens#mainProcess}), so the scope is taken back, never started a second time.
     */
    @Override
    public OptionalLong findByToken(String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        return tokens.mainProcess(unitName(runToken), runToken);
    }

    /** Kills every process in the scope of {@code runToken}, wherever the user manager put it. */
    @Override
    public boolean killOrphan(long pid, String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        String unit = unitName(runToken);
        Optional<Path> dir = findScope(unit);
        if (dir.isEmpty()) {
            return false;
        }
        CgroupV2Task scope = new CgroupV2Task(fs, unit, dir.get(),
                "/" + roots.cgroup2Mount().relativize(dir.get()));
        boolean had = !scope.isEmpty();
        boolean killed = scope.writeKill();
        if (had && killed) {
            LOG.info("killed the orphaned task of pid {} (scope {})", pid, dir.get());
        }
        return had && killed;
    }

    /** The cgroup directory of a unit's scope, searched under the cgroup2 mount. */
    Optional<Path> findScope(String unit) {
        return tokens.findScope(unit);
    }

    @Override
    public String describe() {
        return "systemd scope: each task in a transient scope of the user manager (" + systemdRun
                + " --user --scope -p MemoryMax -p MemorySwapMax=0 -p TasksMax -p OOMPolicy=kill), its memory.max"
                + " and pids.max checked after the start (systemd enforces nothing on cgroup v1); kill: the scope's"
                + " cgroup.kill; out-of-memory: memory.events oom_kill or systemd's Result=oom-kill; the supervisor"
                + " (" + TaskSupervisor.SHELL + ", the command as its child) records the command's exit status and the"
                + " scope's counters beside the run log; re-adoption: the scope outlives the broker, found by the run"
                + " token in /proc/<pid>/environ and the token's scope in /proc/<pid>/cgroup, exit seen through"
                + " pidfd_open + poll on the supervisor, exit code from its record";
    }
}
