package dev.bgtasks.testing.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.spi.TaskEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contract every {@link ProcessSandbox} meets, with real processes: each test names its SPEC rule. A subclass
 * supplies the sandbox and the OS's task commands through small hooks; a rule the sandbox cannot hold is declared in
 * {@link #declaredGaps()} with the words the sandbox itself uses for it, and the kit checks that the sandbox says so
 * (and that its capabilities do not claim the opposite) instead of skipping. Waits are on events with deadlines.
 *
 * <pre>{@code
 * @EnabledOnOs(OS.LINUX)
 * class RlimitSandboxContractTest extends BackendContractTest {
 *     protected ProcessSandbox newSandbox() { return new RlimitSandbox(); }
 *     protected List<String> sleeper() { return List.of("/bin/sleep", "300"); }
 *     ...
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BackendContractTest {
    /** The longest any one wait of the kit takes before it fails. */
    protected static final Duration DEADLINE = Duration.ofSeconds(15);
    /** One mebibyte. */
    protected static final long MIB = 1L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(BackendContractTest.class);
    private static final Pattern PID_LINE = Pattern.compile("(child|grandchild)=(\\d+)");

    /** Where task logs and working directories go. */
    @TempDir
    protected Path dir;

    private final List<Launched> launched = new CopyOnWriteArrayList<>();
    private final List<ProcessSandbox> sandboxes = new CopyOnWriteArrayList<>();
    private final Set<ProcessSandbox> closed = ConcurrentHashMap.newKeySet();
    private final Set<Long> strays = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();
    private ProcessSandbox sandbox;

    // ---- hooks ----

    /**
     * A new sandbox. Called once per test and again wherever a test plays a restarted broker (adopt, orphans).
     * Under {@code BGTASKS_REQUIRE_NATIVE=1} a sandbox that cannot be made fails, never skips.
     *
     * @return a sandbox
     * @throws Exception when it cannot be made
     */
    protected abstract ProcessSandbox newSandbox() throws Exception;

    /** {@return a command that runs until it is killed (e.g. {@code sleep 300})} */
    protected abstract List<String> sleeper();

    /**
     * A command whose main process exits by itself with {@code code}.
     *
     * @param code 0 to 100
     * @return the command
     */
    protected abstract List<String> exitWith(int code);

    /**
     * A command that prints where it runs (e.g. {@code cat /proc/self/cgroup}) and exits 0 (SPEC X1); needed unless
     * {@link ContractRule#STARTS_INSIDE} is declared missing.
     *
     * @return the command
     */
    protected List<String> whereAmI() {
        throw missing("whereAmI()", ContractRule.STARTS_INSIDE);
    }

    /**
     * Checks that the output of {@link #whereAmI()} proves the task ran inside its sandbox under these limits.
     *
     * @param spec what was launched, with its run token
     * @param limits the limits it ran under
     * @param output what it printed
     * @throws Exception when the proof cannot be read
     */
    protected void assertStartedInside(LaunchSpec spec, ResourceLimits limits, String output) throws Exception {
        throw missing("assertStartedInside(...)", ContractRule.STARTS_INSIDE);
    }

    /**
     * A command that allocates and touches memory until it is stopped (SPEC X10); needed unless
     * {@link ContractRule#MEMORY_LIMIT} is declared missing.
     *
     * @return the command
     */
    protected List<String> memoryHog() {
        throw missing("memoryHog()", ContractRule.MEMORY_LIMIT);
    }

    /**
     * A command that starts {@code children} children that wait, prints {@code burst-done} once it tried them all
     * (or just exits when a failed start ends it), then waits (SPEC X12); needed unless
     * {@link ContractRule#PROCESS_LIMIT} is declared missing.
     *
     * @param children how many children it tries to start
     * @return the command
     */
    protected List<String> childBurst(int children) {
        throw missing("childBurst(int)", ContractRule.PROCESS_LIMIT);
    }

    /**
     * A command whose child starts a grandchild that calls {@code setsid} (on Windows: any grandchild) and prints
     * {@code grandchild=<pid>}; the main process and the grandchild run until killed (SPEC X13). Needed unless
     * {@link ContractRule#TREE_KILL} is declared missing.
     *
     * @return the command
     */
    protected List<String> setsidGrandchild() {
        throw missing("setsidGrandchild()", ContractRule.TREE_KILL);
    }

    /**
     * Rules this sandbox cannot hold, each with the words its {@code describe()} or its capabilities' mechanism
     * text uses to say so. Empty by default: every rule is checked for real.
     *
     * @return the declared gaps
     */
    protected Map<ContractRule, String> declaredGaps() {
        return Map.of();
    }

    /** {@return the limits {@link #whereAmI()} runs under: 64 MiB and 16 processes} */
    protected ResourceLimits whereAmILimits() {
        return ResourceLimits.builder().memoryBytes(64 * MIB).maxProcesses(16).build();
    }

    /** {@return the memory limit the {@link #memoryHog()} runs into: 64 MiB} */
    protected long hogMemoryLimit() {
        return 64 * MIB;
    }

    /** {@return the process limit the {@link #childBurst(int)} runs into: 8} */
    protected int burstProcessLimit() {
        return 8;
    }

    /**
     * Closes a sandbox the way a broker that goes away stops watching; by default {@link AutoCloseable#close()}
     * where the sandbox has it, else nothing (the sandbox is just forgotten).
     *
     * @param old the sandbox
     * @throws Exception when closing fails
     */
    protected void closeSandbox(ProcessSandbox old) throws Exception {
        if (old instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /**
     * Whether a process runs: alive and, where {@code /proc} can tell, not a zombie (the init of some containers
     * never reaps orphans).
     *
     * @param pid the process
     * @return true while it runs
     */
    protected boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * The session of a process where the OS tells it cheaply; by default field 6 of {@code /proc/<pid>/stat}.
     *
     * @param pid the process
     * @return its session id, empty where unknown
     */
    protected OptionalLong sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            return OptionalLong.of(Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    // ---- set-up and clean-up ----

    @BeforeEach
    void openSandbox() throws Exception {
        sandbox = open();
        LOG.info("{}: {}", getClass().getSimpleName(), sandbox.describe());
    }

    /** Kills every task a test started, also those of sandboxes it closed, and fails if any process outlives it. */
    @AfterEach
    void killEverythingStarted() throws Exception {
        List<String> failures = new ArrayList<>();
        ProcessSandbox cleaner = null;
        for (Launched task : launched) {
            if (task.process().onExit().isDone() && !running(task.process().pid())) {
                continue;
            }
            try {
                if (closed.contains(task.sandbox())) {
                    cleaner = cleaner != null ? cleaner : open();
                    cleaner.killOrphan(task.process().pid(), task.spec().runToken());
                }
                task.process().kill();
            } catch (RuntimeException e) {
                LOG.warn("killing the task of pid {} after the test failed", task.process().pid(), e);
            }
        }
        strays.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        for (Launched task : launched) {
            strays.add(task.process().pid());
            if (!closed.contains(task.sandbox()) && !waitUntil(() -> task.process().onExit().isDone())) {
                failures.add("the task of pid " + task.process().pid() + " never ended");
            }
        }
        for (long pid : strays) {
            if (!waitUntil(() -> !running(pid))) {
                failures.add("pid " + pid + " still runs");
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (ProcessSandbox s : sandboxes) {
            if (closed.add(s)) {
                closeSandbox(s);
            }
        }
        assertThat(failures).as("processes left after the test").isEmpty();
    }

    // ---- the contract ----

    @Test
    void theMechanismIsNamedAndEveryDeclaredGapIsSaid() { // SPEC R9: never silently weaker than asked
        assertThat(sandbox.describe()).isNotBlank();
        assertThat(sandbox.capabilities().memoryMechanism()).isNotBlank();
        assertThat(sandbox.capabilities().processMechanism()).isNotBlank();
        for (Map.Entry<ContractRule, String> gap : declaredGaps().entrySet()) {
            assertThat(gap.getKey().mayBeDeclaredMissing()).as("%s (SPEC %s) is not optional", gap.getKey(),
                    gap.getKey().spec()).isTrue();
            assertSays(gap.getKey());
        }
    }

    @Test
    void theTaskRunsInsideItsSandboxFromItsFirstInstruction() throws Exception { // SPEC X1
        if (declared(ContractRule.STARTS_INSIDE)) {
            return;
        }
        ResourceLimits limits = whereAmILimits();
        Launched task = launch(sandbox, whereAmI(), limits);
        ExitStatus status = exitOf(task);
        assertThat(status.reason()).as(summary(status, task)).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(status.exitCode()).as(summary(status, task)).isZero();
        assertStartedInside(task.spec(), limits, task.log());
    }

    @Test
    void theExitCodeIsPassedThrough() throws Exception { // SPEC X4
        for (int code : new int[] {0, 3}) {
            Launched task = launch(sandbox, exitWith(code), ResourceLimits.defaults());
            ExitStatus status = exitOf(task);
            assertThat(status.exitCode()).as(summary(status, task)).isEqualTo(code);
            assertThat(status.reason()).as(summary(status, task)).isEqualTo(ExitStatus.Reason.EXITED);
        }
    }

    @Test
    void theTaskGetsExactlyTheEnvironmentOfItsSpec() throws Exception { // SPEC S5
        Map<String, String> extra = Map.of("BGTASKS_CONTRACT_VALUE", "a value with spaces = and more");
        Launched task = launch(sandbox, ContractTasks.command(List.of(), "env"), ResourceLimits.defaults(), extra);
        ExitStatus status = exitOf(task);
        assertThat(status.exitCode()).as(summary(status, task)).isZero();
        Map<String, String> seen = new java.util.TreeMap<>();
        for (String line : task.log().lines().toList()) {
            int eq = line.indexOf('=', 1);
            if (eq > 0 && line.substring(0, eq).chars().noneMatch(Character::isWhitespace)) {
                seen.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        // A POSIX wrapper shell sets PWD (in the spec already) and, where /bin/sh is bash, SHLVL and _.
        for (String shellOwn : List.of("SHLVL", "_")) {
            if (!task.spec().environment().containsKey(shellOwn)) {
                seen.remove(shellOwn);
            }
        }
        assertThat(seen).as(summary(status, task)).isEqualTo(new java.util.TreeMap<>(task.spec().environment()));
    }

    @Test
    void pastItsMemoryLimitTheTreeEndsOutOfMemoryWithItsPeak() throws Exception { // SPEC X10
        Enforcement enforcement = sandbox.capabilities().memory();
        if (declared(ContractRule.MEMORY_LIMIT)) {
            assertThat(enforcement).as("a sandbox that declares it misses X10 claims no enforced memory limit")
                    .isNotEqualTo(Enforcement.ENFORCED);
            return;
        }
        assertThat(enforcement).as("capabilities().memory()").isNotEqualTo(Enforcement.NONE);
        long limit = hogMemoryLimit();
        Launched task = launch(sandbox, memoryHog(), ResourceLimits.builder().memoryBytes(limit).build());
        ExitStatus status = exitOf(task);
        LOG.info("X10 {}: {} (limit {} MiB, peak {} MiB)", getClass().getSimpleName(), status, limit / MIB,
                status.peakMemoryBytes() / MIB);
        assertThat(status.reason()).as(summary(status, task)).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        if (enforcement == Enforcement.ENFORCED) {
            // The kernel or the job held it: the peak is at the limit, not past it.
            assertThat(status.peakMemoryBytes()).as("peak").isBetween(limit / 2, limit + limit / 20);
        } else {
            // A watchdog stops a tree it saw past the limit.
            assertThat(status.peakMemoryBytes()).as("peak").isGreaterThanOrEqualTo(limit);
        }
    }

    @Test
    void aBurstOfChildrenIsContainedAtTheProcessLimit() throws Exception { // SPEC X12
        Enforcement enforcement = sandbox.capabilities().processes();
        if (declared(ContractRule.PROCESS_LIMIT)) {
            assertThat(enforcement).as("a sandbox that declares it misses X12 claims no enforced process limit")
                    .isNotEqualTo(Enforcement.ENFORCED);
            return;
        }
        assertThat(enforcement).as("capabilities().processes()").isNotEqualTo(Enforcement.NONE);
        int max = burstProcessLimit();
        Launched task = launch(sandbox, childBurst(4 * max), ResourceLimits.builder().maxProcesses(max).build());
        if (enforcement == Enforcement.ENFORCED) {
            // The kernel refuses the starts past the limit; the task lives on until it is killed.
            assertThat(waitUntil(() -> task.process().onExit().isDone() || !running(task.process().pid())
                    || task.log().contains("burst-done"))).as("the burst settles: %s", task.log()).isTrue();
            if (!task.process().onExit().isDone()) {
                assertThat(task.process().usage().processCount()).as("processes at the limit")
                        .isLessThanOrEqualTo(max);
                task.process().kill();
            }
        }
        // A watchdog stops the tree by itself; an enforced limit shows in the reason of the kill.
        ExitStatus status = exitOf(task);
        assertThat(status.reason()).as(summary(status, task)).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
        assertThat(waitUntil(() -> !running(task.process().pid()))).isTrue();
    }

    @Test
    void killLeavesNothingBehindNotEvenAGrandchildThatCalledSetsid() throws Exception { // SPEC X13
        if (declared(ContractRule.TREE_KILL)) {
            return;
        }
        Launched task = launch(sandbox, setsidGrandchild(), ResourceLimits.defaults());
        long main = task.process().pid();
        assertThat(waitUntil(() -> pidsIn(task, "grandchild").stream().anyMatch(this::running)))
                .as("a grandchild runs: %s", task.log()).isTrue();
        long grandchild = pidsIn(task, "grandchild").get(0);
        OptionalLong mainSession = sessionOf(main);
        OptionalLong grandchildSession = sessionOf(grandchild);
        if (mainSession.isPresent() && grandchildSession.isPresent()) {
            assertThat(grandchildSession.getAsLong()).as("the grandchild's session").isNotEqualTo(
                    mainSession.getAsLong());
        }

        task.process().kill();
        ExitStatus status = exitOf(task);

        assertThat(status.reason()).as(summary(status, task)).isEqualTo(ExitStatus.Reason.SIGNALED);
        List<Long> tree = new ArrayList<>(pidsIn(task, "child"));
        tree.add(main);
        tree.add(grandchild);
        for (long pid : tree) {
            assertThat(waitUntil(() -> !running(pid))).as("pid %d of the tree after the kill", pid).isTrue();
        }
    }

    @Test
    void aSecondSandboxAdoptsALiveTaskByItsRunTokenOnly() throws Exception { // SPEC B3, B6
        Launched task = launch(sandbox, sleeper(), ResourceLimits.defaults());
        long pid = task.process().pid();
        String token = task.spec().runToken();
        // SPEC X6: a launch returns once the command runs, not a copy of its supervisor's shell.
        assertThat(runsItsParentsProgram(pid)).as("pid %d still runs its supervisor's shell", pid).isFalse();
        // The broker forgot it: its sandbox stops watching, and a restarted broker has a sandbox of its own.
        closed.add(sandbox);
        closeSandbox(sandbox);
        ProcessSandbox second = open();
        if (declared(ContractRule.ADOPT)) {
            assertThat(second.canReadopt()).as("canReadopt() of a sandbox that declares it cannot").isFalse();
            assertThat(second.adopt(pid, token, ResourceLimits.defaults())).isEmpty();
            return;
        }
        assertThat(second.canReadopt()).isTrue();
        assertThat(second.adopt(pid, RunToken.newToken(), ResourceLimits.defaults())).as("another token").isEmpty();
        assertThat(second.adopt(pid, token.substring(0, token.length() / 2), ResourceLimits.defaults()))
                .as("a prefix of the token").isEmpty();
        assertThat(running(pid)).isTrue();

        SandboxedProcess adopted = second.adopt(pid, token, ResourceLimits.defaults()).orElseThrow(
                () -> new AssertionError("a live task carrying its token was not adopted"));
        launched.add(new Launched(adopted, task.spec(), second));
        assertThat(adopted.pid()).isEqualTo(pid);
        assertThat(waitUntil(() -> adopted.usage().processCount() >= 1)).as("the adopted tree is measured").isTrue();
        assertThat(adopted.onExit()).isNotDone();

        adopted.kill();
        ExitStatus status = adopted.onExit().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        // Only a parent learns an exit code, and the adopting sandbox is not the task's parent.
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXIT_CODE_UNKNOWN);
        assertThat(waitUntil(() -> !running(pid))).isTrue();
    }

    @Test
    void closingLeavesTheTaskRunningAndTheNextSandboxKillsItAsAnOrphan() throws Exception { // SPEC B3
        Launched task = launch(sandbox, sleeper(), ResourceLimits.defaults());
        long pid = task.process().pid();
        String token = task.spec().runToken();
        assertThat(waitUntil(() -> running(pid))).isTrue();
        closed.add(sandbox);
        closeSandbox(sandbox);
        assertThat(running(pid)).as("the task after its sandbox was closed").isTrue();

        ProcessSandbox next = open();
        if (declared(ContractRule.ORPHAN_KILL)) {
            assertThat(next.killOrphan(pid, token)).as("killOrphan of a sandbox that declares it finds none")
                    .isFalse();
            return;
        }
        assertThat(next.killOrphan(pid, RunToken.newToken())).as("killOrphan with another token").isFalse();
        assertThat(running(pid)).as("a task that does not carry the token is left alone").isTrue();
        assertThat(next.killOrphan(pid, token)).isTrue();
        assertThat(waitUntil(() -> !running(pid))).as("the orphan after killOrphan").isTrue();
        assertThat(next.killOrphan(pid, token)).as("a second killOrphan finds nothing").isFalse();
    }

    @Test
    void aTaskThatEndsWhileNoSandboxWatchesLeavesItsTrueExitCodeBesideItsRunLog() throws Exception { // SPEC B5
        if (declared(ContractRule.EXIT_RECORD)) {
            return;
        }
        Launched task = launch(sandbox, sleeper(), ResourceLimits.defaults());
        long pid = task.process().pid();
        assertThat(waitUntil(() -> running(pid))).isTrue();
        // SPEC X6: a launch returns once the command runs: until its exec a supervisor's child runs the supervisor's
        // shell, whose trap would take the signal below.
        assertThat(runsItsParentsProgram(pid)).as("pid %d still runs its supervisor's shell", pid).isFalse();
        closed.add(sandbox);
        closeSandbox(sandbox);
        // The broker is gone; the task now ends of a SIGTERM it did not catch (status 128 + 15, as a shell says).
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        Path exitFile = TaskEndRecords.exitFile(task.spec().logFile());
        assertThat(waitUntil(() -> TaskEndRecords.readExit(exitFile).isPresent()))
                .as("the exit record %s of the task that ended on its own", exitFile).isTrue();
        assertThat(TaskEndRecords.readExit(exitFile).orElseThrow().exitCode()).isEqualTo(128 + 15);
        assertThat(waitUntil(() -> !running(pid))).isTrue();
    }

    // ---- helpers ----

    /** Where {@code /proc} tells: whether the process still has its parent's command line (forked, not exec'd). */
    private static boolean runsItsParentsProgram(long pid) {
        Optional<Long> parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid);
        if (parent.isEmpty() || !Files.isDirectory(Path.of("/proc/self"))) {
            return false;
        }
        try {
            byte[] own = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            byte[] parents = Files.readAllBytes(Path.of("/proc", Long.toString(parent.get()), "cmdline"));
            return Arrays.equals(own, parents);
        } catch (IOException e) {
            return false;
        }
    }

    /** A launched task, its spec and the sandbox that launched it. */
    protected record Launched(SandboxedProcess process, LaunchSpec spec, ProcessSandbox sandbox) {
        /** {@return what the task printed so far} */
        public String log() {
            try {
                return Files.exists(spec.logFile()) ? Files.readString(spec.logFile(), StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "";
            }
        }
    }

    private ProcessSandbox open() throws Exception {
        ProcessSandbox opened = newSandbox();
        sandboxes.add(opened);
        return opened;
    }

    /**
     * Launches {@code command} with a fresh run token; the kit kills it after the test.
     *
     * @param in the sandbox
     * @param command the task
     * @param limits its limits
     * @return the task
     * @throws IOException when the launch fails
     */
    protected Launched launch(ProcessSandbox in, List<String> command, ResourceLimits limits) throws IOException {
        return launch(in, command, limits, Map.of());
    }

    /**
     * Launches {@code command} with a fresh run token in the environment a broker gives a task (SPEC S5: the
     * user's base from this JVM's, {@code PWD} where POSIX, the token) and {@code extra}.
     *
     * @param in the sandbox
     * @param command the task
     * @param limits its limits
     * @param extra variables added to the task's environment
     * @return the task
     * @throws IOException when the launch fails
     */
    protected Launched launch(ProcessSandbox in, List<String> command, ResourceLimits limits,
                              Map<String, String> extra) throws IOException {
        String token = RunToken.newToken();
        Path log = dir.resolve("task-" + counter.incrementAndGet() + ".log");
        TaskEnvironment.Os os = TaskEnvironment.Os.current();
        Map<String, String> environment = TaskEnvironment.base(os, System.getenv(), Map.of(),
                System.getProperty("user.home"), System.getProperty("user.name"));
        if (os != TaskEnvironment.Os.WINDOWS) {
            environment.put("PWD", dir.toString());
        }
        environment.putAll(extra);
        environment.put(RunToken.ENVIRONMENT_VARIABLE, token);
        LaunchSpec spec = new LaunchSpec(command, environment, dir, log, token);
        Launched task = new Launched(in.launch(spec, limits), spec, in);
        launched.add(task);
        return task;
    }

    private boolean declared(ContractRule rule) {
        if (!declaredGaps().containsKey(rule)) {
            return false;
        }
        assertSays(rule);
        LOG.info("{} (SPEC {}): {} declares it does not hold it: \"{}\"", rule, rule.spec(),
                getClass().getSimpleName(), declaredGaps().get(rule));
        return true;
    }

    private void assertSays(ContractRule rule) {
        String said = sandbox.describe() + "\n" + sandbox.capabilities().memoryMechanism() + "\n"
                + sandbox.capabilities().processMechanism();
        assertThat(said).as("what the sandbox says about %s (SPEC %s)", rule, rule.spec())
                .contains(declaredGaps().get(rule));
    }

    private List<Long> pidsIn(Launched task, String kind) {
        List<Long> pids = new ArrayList<>();
        Matcher m = PID_LINE.matcher(task.log());
        while (m.find()) {
            if (m.group(1).equals(kind)) {
                pids.add(Long.parseLong(m.group(2)));
            }
        }
        strays.addAll(pids);
        return pids;
    }

    private UnsupportedOperationException missing(String hook, ContractRule rule) {
        return new UnsupportedOperationException(getClass().getSimpleName() + " supplies no " + hook
                + ": implement it, or declare " + rule + " (SPEC " + rule.spec() + ") in declaredGaps()");
    }

    private static ExitStatus exitOf(Launched task) throws Exception {
        return task.process().onExit().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private static String summary(ExitStatus status, Launched task) {
        return status + "\n--- task log ---\n" + task.log();
    }

    /**
     * Polls {@code done} with pauses of 1 to 20 ms until it holds or {@link #DEADLINE} passes.
     *
     * @param done the condition
     * @return whether it held in time
     */
    protected static boolean waitUntil(BooleanSupplier done) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    /** {@return the sandbox of this test} */
    protected ProcessSandbox sandbox() {
        return sandbox;
    }
}
