package dev.bgtasks.linux.cgroup;

import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.spi.TaskSupervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux sandbox: every task runs in a cgroup of its own beneath the broker's cgroup
 * ({@code <own>/bgtasks/instances/<task>}), on cgroup2 when this cgroup's controllers include memory and pids, else on
 * the cgroup v1 memory, pids and freezer hierarchies. The kernel holds the memory limit (an OOM kill in the task's
 * cgroup ends the task as {@code OUT_OF_MEMORY}, SPEC X10) and the process limit ({@code pids.max}, default 512,
 * SPEC X12); a kill takes the whole cgroup, grandchildren that called {@code setsid} included (SPEC X13).
 *
 * <p>A task joins its cgroup before it runs an instruction of its own (SPEC X1): it is started under its
 * supervisor ({@link TaskSupervisor}), {@code /bin/sh -c 'echo $$ > <cgroup.procs> && ... && shift N || exit; ...'
 * bgtasks-task <cgroup.procs...> <exit record> <counters> <command...>}, so the shell moves itself into each
 * hierarchy and only then starts the command as its child, which is born inside (the task's arguments passed as
 * data, never parsed by the shell); {@code /proc/<pid>/cgroup} is checked after the start. The supervisor stays,
 * waits for the command and writes its exit status, the cgroup's peak memory and its OOM and process-limit counters
 * to the instance's exit record, so a task that ends while no broker runs keeps its true outcome (SPEC B5). The
 * task's pid is the command's; the supervisor counts against the process limit. The broker's own cgroup is never
 * limited.
 *
 * <p>A task cgroup is named after a hash of the run token, so a restarted broker finds the cgroup of a task it
 * re-adopts or kills. At start, task cgroups that a crashed broker left empty are removed; those still holding
 * processes are left for {@link #adopt} or {@link #killOrphan}.
 *
 * <pre>{@code
 * try (CgroupSandbox sandbox = CgroupSandbox.open()) {
 *     SandboxedProcess p = sandbox.launch(spec, ResourceLimits.builder().memoryBytes(64L << 20).build());
 *     ExitStatus status = p.onExit().get();   // OUT_OF_MEMORY when the kernel killed it for its memory
 * } catch (CgroupUnavailableException e) {
 *     log.warn("no cgroup sandbox here: {}", e.getMessage());
 * }
 * }</pre>
 */
public final class CgroupSandbox implements ProcessSandbox, AutoCloseable {
    /** A leftover task cgroup younger than this may be one another broker is just starting a task in. */
    static final Duration LEFTOVER_MIN_AGE = Duration.ofSeconds(10);
    /** How long the sandbox waits to see a started task inside its cgroup. */
    static final Duration JOIN_DEADLINE = Duration.ofSeconds(2);
    /**
     * How long the launch looks for the command every 0.1 ms: a supervisor's shell starts, joins and forks in 1 to
     * 3 ms on a cgroup-v1 host, and pauses growing from there overslept its fork by up to 0.7 ms (issue 15).
     */
    static final long COMMAND_FINE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final String SHELL = TaskSupervisor.SHELL;

    private static final Logger LOG = LoggerFactory.getLogger(CgroupSandbox.class);

    private final CgroupDriver driver;
    private final CgroupFs fs;
    private final ScheduledThreadPoolExecutor scheduler;

    private CgroupSandbox(CgroupDriver driver, CgroupFs fs) {
        this.driver = driver;
        this.fs = fs;
        this.scheduler = new ScheduledThreadPoolExecutor(2, runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-cgroup");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Finds this process's cgroups, sets up the {@code bgtasks} subtree (on cgroup2 this moves the calling process
     * into the leaf {@code <own>/broker}) and removes empty task cgroups a crashed broker left.
     *
     * @return a sandbox over the first writable hierarchy
     * @throws CgroupUnavailableException when neither cgroup2 nor cgroup v1 offers a writable memory and pids
     *         cgroup; the message says what is missing or not writable for each
     */
    public static CgroupSandbox open() throws CgroupUnavailableException {
        return open(CgroupEnvironment.host());
    }

    static CgroupSandbox open(CgroupEnvironment env) throws CgroupUnavailableException {
        CgroupHost host = CgroupHost.resolve(env.procSelfCgroup(), env.mountInfo(), env.fsRoot());
        List<String> reasons = new ArrayList<>();
        CgroupDriver driver = null;
        if (host.unified().isPresent()) {
            try {
                driver = CgroupV2Driver.open(host.unified().get(), env.fs(), env.selfPid());
            } catch (CgroupUnavailableException e) {
                reasons.add(e.getMessage());
            }
        } else {
            reasons.add("cgroup2: no cgroup2 hierarchy holds this process");
        }
        if (driver == null) {
            if (host.v1().containsKey("memory") || host.v1().containsKey("pids")) {
                try {
                    driver = CgroupV1Driver.open(host, env.fs());
                } catch (CgroupUnavailableException e) {
                    reasons.add(e.getMessage());
                }
            } else {
                reasons.add("cgroup1: no memory or pids hierarchy holds this process");
            }
        }
        if (driver == null) {
            reasons.addAll(host.problems());
            throw new CgroupUnavailableException("no writable cgroup for the memory and process limits: "
                    + String.join("; ", reasons));
        }
        if (!reasons.isEmpty()) {
            LOG.debug("using {}; not using: {}", driver.mechanism(), reasons);
        }
        CgroupSandbox sandbox = new CgroupSandbox(driver, env.fs());
        sandbox.removeLeftovers(Instant.now());
        return sandbox;
    }

    /** Removes empty task cgroups older than {@link #LEFTOVER_MIN_AGE}; non-empty ones may be re-adopted. */
    int removeLeftovers(Instant now) {
        int removed = 0;
        try {
            for (String name : driver.taskNames()) {
                Optional<CgroupTask> task = driver.find(name);
                if (task.isEmpty() || !task.get().isEmpty()) {
                    continue;
                }
                Instant created;
                try {
                    created = task.get().created();
                } catch (IOException e) {
                    // An age we cannot read is no proof of a leftover: it may be another broker's task that is
                    // joining its cgroups right now.
                    LOG.debug("not removing task cgroup {}: its age is unknown", name, e);
                    continue;
                }
                if (created.plus(LEFTOVER_MIN_AGE).isAfter(now)) {
                    continue;
                }
                if (task.get().remove()) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("listing leftover task cgroups failed", e);
        }
        if (removed > 0) {
            LOG.info("removed {} empty task cgroup(s) left by an earlier broker", removed);
        }
        return removed;
    }

    @Override
    public SandboxCapabilities capabilities() {
        return driver.capabilities();
    }

    /** {@return the short mechanism name: {@code cgroup2 memory.max+pids.max} or {@code cgroup1 memory+pids}} */
    public String mechanism() {
        return driver.mechanism();
    }

    @Override
    public SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(limits, "limits");
        String name = taskName(spec.runToken());
        if (driver.find(name).filter(t -> !t.isEmpty()).isPresent()) {
            throw new IOException("a task with this run token is already running in cgroup " + name);
        }
        CgroupTask task = driver.create(name, limits);
        Path log = spec.logFile().toAbsolutePath();
        Process process;
        try {
            if (log.getParent() != null) {
                Files.createDirectories(log.getParent());
            }
            ProcessBuilder builder = new ProcessBuilder(wrapperCommand(task.procsFiles(),
                    TaskEndRecords.exitFile(log), task.counterFiles(), spec.command()));
            // The whole environment, never the broker's with additions (SPEC S5).
            builder.environment().clear();
            builder.environment().putAll(spec.environment());
            builder.directory(spec.workingDirectory().toFile());
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            task.remove();
            throw e;
        }
        try {
            // The task reads end-of-file, never blocks on a pipe nobody writes.
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing stdin of pid {} failed", process.pid(), e);
        }
        ProcessHandle command = commandOf(task, process);
        CgroupProcess p = CgroupProcess.child(task, process, command, scheduler, limits);
        LOG.debug("launched pid {} (supervisor {}) in task cgroup {}: {}", command.pid(), process.pid(), name,
                spec.command());
        return p;
    }

    /**
     * The wrapper: the supervisor's shell writes its own pid into each {@code cgroup.procs}, then runs the command
     * as its child and records how it ended (SPEC B5); a failed write stops it before the task runs. The files and
     * the command are positional parameters, so nothing of the task is shell code (SPEC S3).
     */
    static List<String> wrapperCommand(List<Path> procsFiles, Path exitFile, TaskSupervisor.Counters counters,
                                       List<String> command) {
        StringBuilder prelude = new StringBuilder();
        for (int i = 1; i <= procsFiles.size(); i++) {
            prelude.append("echo $$ > \"$").append(i).append("\" && ");
        }
        prelude.append("shift ").append(procsFiles.size());
        return TaskSupervisor.command(prelude.toString(), procsFiles.stream().map(Path::toString).toList(),
                exitFile, counters, command);
    }

    /**
     * The task's main process: the supervisor's child in the task cgroup, as soon as it is there. A command that
     * ended before it was seen (and took its supervisor along) leaves the supervisor to stand for it.
     *
     * <p>SPEC X1: the command's {@code /proc/<pid>/cgroup} must name the task cgroup in every hierarchy. It was born
     * there: the wrapper makes joining a precondition of the fork, so this check catches a broken wrapper or
     * cgroupfs, as a check of the supervisor would, without a wait of its own before the command is looked for (it
     * was one: about 1 ms of every launch on a cgroup-v1 host, issue 15). A supervisor never seen with a child, and
     * still running outside its cgroups at the deadline, fails the launch the same way.
     */
    private ProcessHandle commandOf(CgroupTask task, Process supervisor) throws IOException {
        long supervisorPid = supervisor.pid();
        long[] found = {-1};
        CgroupTask.waitUntil(() -> {
            for (long pid : task.pidsOfFirstHierarchy()) {
                if (pid != supervisorPid && fs.parentOf(pid).orElse(-1) == supervisorPid) {
                    found[0] = pid;
                    return true;
                }
            }
            return !supervisor.isAlive();
        }, JOIN_DEADLINE, COMMAND_FINE_WAIT_NANOS);
        // An exiting process runs nothing more, outside or in, and on cgroup v1 its /proc/<pid>/cgroup names the
        // root cgroups from the moment it starts to exit (PF_EXITING), while cgroup.procs still lists it: a command
        // such as /bin/true is often seen so. Only a process that is not exiting is one that runs outside.
        long checked = found[0] < 0 ? supervisorPid : found[0];
        Optional<String> seen = fs.procCgroup(checked);
        if (seen.isPresent() && !task.holds(seen.get()) && fs.running(checked)) {
            failJoin(task, supervisor, checked, seen.get());
        }
        Optional<ProcessHandle> command = found[0] < 0 ? Optional.empty() : ProcessHandle.of(found[0]);
        if (command.isEmpty()) {
            LOG.debug("task cgroup {}: the command of supervisor {} was not seen; the supervisor stands for it",
                    task.name(), supervisorPid);
            return supervisor.toHandle();
        }
        TaskSupervisor.awaitExec(command.get(), supervisor.toHandle(), JOIN_DEADLINE);
        return command.get();
    }

    /**
     * SPEC B6: the main process of the task cgroup of {@code runToken}, when it holds one that carries the token.
     * The command is the member whose parent is its supervisor (a member whose own parent is not one); with the
     * supervisor gone, any member that carries the token stands for the task, so the cgroup is taken back, never
     * started a second time.
     */
    @Override
    public OptionalLong findByToken(String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        Optional<CgroupTask> task = driver.find(taskName(runToken));
        if (task.isEmpty()) {
            return OptionalLong.empty();
        }
        return CgroupTask.mainProcessOf(task.get().pids(), fs, runToken);
    }

    // The task's tree goes, not just the cgroup: its processes may be outside it.
    private void failJoin(CgroupTask task, Process supervisor, long pid, String seen) throws IOException {
        task.kill();
        supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
        supervisor.destroyForcibly();
        task.removeWithin(Duration.ofSeconds(1));
        throw new IOException("pid " + pid + " did not join its task cgroup " + task.dirs() + " within "
                + JOIN_DEADLINE.toMillis() + " ms; /proc/" + pid + "/cgroup says:\n" + seen);
    }

    /**
     * Takes back a task of a previous broker: the process must carry {@code BGTASKS_RUN_TOKEN=<runToken>} in its
     * environment (pids are reused) and be in the task cgroup of that token. Its limits are written again; its exit
     * is watched through a pidfd, and its exit code is unknown.
     */
    @Override
    public Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits) {
        Objects.requireNonNull(runToken, "runToken");
        Objects.requireNonNull(limits, "limits");
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        Optional<CgroupTask> task = verifiedTask(pid, runToken);
        if (task.isEmpty()) {
            return Optional.empty();
        }
        try {
            task.get().applyLimits(limits);
        } catch (IOException e) {
            LOG.warn("re-adopted task cgroup {}: writing its limits again failed; it keeps the earlier ones",
                    task.get().name(), e);
        }
        CgroupProcess p = CgroupProcess.adopted(task.get(), handle.get(), scheduler, limits);
        LOG.info("re-adopted pid {} in task cgroup {}", pid, task.get().name());
        return Optional.of(p);
    }

    // The task cgroup of the token, when pid carries the token and is in it.
    private Optional<CgroupTask> verifiedTask(long pid, String runToken) {
        String name = taskName(runToken);
        boolean carries = RunToken.isCarriedByProcess(() -> fs.environ(pid), runToken);
        if (!carries) {
            LOG.warn("pid {}: its environment does not carry the run token; not ours", pid);
            return Optional.empty();
        }
        Optional<String> in = fs.procCgroup(pid).flatMap(driver::taskNameOf);
        if (in.isEmpty() || !in.get().equals(name)) {
            LOG.warn("pid {}: not in the task cgroup of its run token ({} instead of {})", pid, in.orElse("none"),
                    name);
            return Optional.empty();
        }
        return driver.find(name);
    }

    @Override
    public boolean canReadopt() {
        return true;
    }

    /**
     * Kills the whole task cgroup of {@code runToken} and removes it: when {@code pid} carries the token and is in
     * that cgroup, and also when the pid is gone but its cgroup still holds processes (grandchildren that outlived
     * it): the cgroup of the token is the task's by construction.
     */
    @Override
    public boolean killOrphan(long pid, String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        String name = taskName(runToken);
        boolean verified = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()
                && verifiedTask(pid, runToken).isPresent();
        Optional<CgroupTask> task = driver.find(name);
        if (task.isEmpty()) {
            return false;
        }
        boolean found = verified || !task.get().isEmpty();
        task.get().kill();
        if (!task.get().removeWithin(CgroupProcess.REMOVE_DEADLINE)) {
            LOG.warn("task cgroup {} could not be removed after the kill", name);
        }
        if (found) {
            LOG.info("killed the orphaned task of pid {} (task cgroup {})", pid, name);
        }
        return found;
    }

    @Override
    public String describe() {
        return driver.mechanism() + ": " + driver.details()
                + "; tasks join their cgroups through their supervisor, " + SHELL + " (echo $$ > cgroup.procs,"
                + " then the command as its child) before their first instruction, checked in /proc/<pid>/cgroup;"
                + " the supervisor records the command's exit status, peak memory and OOM/pids counters beside the"
                + " run log, so a task that ends while no broker runs keeps its outcome; re-adoption: run token in"
                + " /proc/<pid>/environ and the token's task cgroup in /proc/<pid>/cgroup, exit seen through"
                + " pidfd_open + poll, exit code from the supervisor's record";
    }

    /** {@return the directories task cgroups are made in, one per hierarchy ({@code <own>/bgtasks/instances})} */
    public List<Path> taskRoots() {
        return driver.taskRoots();
    }

    /** {@return the broker's own cgroup directories, never limited (on cgroup2 the leaf {@code <own>/broker})} */
    public List<Path> brokerCgroups() {
        return driver.brokerDirs();
    }

    /**
     * The task cgroup directories a process is in, one per hierarchy; empty when it is in none of ours.
     *
     * @param pid the process
     * @return its task cgroup directories
     */
    public List<Path> taskCgroupsOf(long pid) {
        return fs.procCgroup(pid).flatMap(driver::taskNameOf).flatMap(driver::find).map(CgroupTask::dirs)
                .orElse(List.of());
    }

    /**
     * Stops watching (running tasks keep running; a later sandbox can re-adopt them) and removes the
     * {@code bgtasks} subtree when no task cgroup is left in it.
     */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        driver.removeEmptySubtree();
    }

    /**
     * The task cgroup's name for a run token: a hash, so the cgroup of a task can be found again from its token,
     * while the token itself (a secret, SPEC S2) never shows in the world-readable cgroup tree.
     */
    static String taskName(String runToken) {
        return "t" + RunToken.hashHex(runToken, 16);
    }
}
