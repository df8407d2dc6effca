package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generic sandbox with real processes. Every test ends with every process it started dead.
 *
 * <p>"Dead" here means gone or a zombie: the init of some containers and micro-VMs never reaps orphans, so a killed
 * orphan stays a zombie that {@link ProcessHandle#isAlive()} still reports as alive.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class GenericSandboxTest {
    private static final Logger LOG = LoggerFactory.getLogger(GenericSandboxTest.class);
    private static final long EXIT_TIMEOUT_SECONDS = 10;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final GenericSandbox sandbox = new GenericSandbox();
    private final List<SandboxedProcess> started = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private final List<Long> recordedPids = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void killEverythingStarted() throws Exception {
        for (SandboxedProcess p : started) {
            p.kill();
        }
        for (SandboxedProcess p : started) {
            p.onExit().get(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        for (long pid : recordedPids) {
            assertThat(running(pid)).as("pid %d after the test", pid).isFalse();
        }
        if (ProcFs.available()) {
            for (String token : tokens) {
                assertThat(pidsCarrying(token)).as("processes carrying token %s", token).isEmpty();
            }
        }
    }

    // ---- helpers ----

    private LaunchSpec spec(Map<String, String> env, String... command) {
        String token = "test-" + UUID.randomUUID();
        tokens.add(token);
        Map<String, String> environment = new java.util.HashMap<>(env);
        environment.put(RunToken.ENVIRONMENT_VARIABLE, token);
        return new LaunchSpec(List.of(command), environment, dir, dir.resolve("logs/nested/task.log"), token);
    }

    private LaunchSpec spec(String... command) {
        return spec(Map.of(), command);
    }

    private SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException {
        SandboxedProcess p = sandbox.launch(spec, limits);
        started.add(p);
        recordedPids.add(p.pid());
        return p;
    }

    private static ExitStatus exitOf(SandboxedProcess p) throws Exception {
        return p.onExit().get(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private List<Long> descendantsOf(SandboxedProcess p) {
        return ProcessHandle.of(p.pid()).stream().flatMap(ProcessHandle::descendants).map(ProcessHandle::pid)
                .collect(Collectors.toList());
    }

    private List<Long> waitForDescendants(SandboxedProcess p, int count) {
        Await.until(WAIT, count + " descendants of pid " + p.pid(), () -> descendantsOf(p).size() >= count);
        List<Long> pids = descendantsOf(p);
        recordedPids.addAll(pids);
        return pids;
    }

    /** Alive and not a zombie (read from /proc where there is one, independently of the code under test). */
    static boolean running(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        return statField(pid, 0).map(state -> !state.equals("Z") && !state.equals("X")).orElse(true);
    }

    /** Field {@code index} after the command name of /proc/pid/stat: 0 state, 1 ppid, 2 pgrp, 3 session. */
    static Optional<String> statField(long pid, int index) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(fields[index]);
        } catch (NoSuchFileException e) {
            return Optional.of("X");
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Running processes whose environment holds BGTASKS_RUN_TOKEN=token, by a scan of its own. */
    static Set<Long> pidsCarrying(String token) throws IOException {
        byte[] wanted = ("\0" + RunToken.ENVIRONMENT_VARIABLE + "=" + token + "\0").getBytes(StandardCharsets.UTF_8);
        Set<Long> found = new java.util.TreeSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                byte[] env;
                try {
                    byte[] raw = Files.readAllBytes(proc.resolve("environ"));
                    env = new byte[raw.length + 1];
                    System.arraycopy(raw, 0, env, 1, raw.length);
                } catch (IOException e) {
                    continue;
                }
                long pid = Long.parseLong(proc.getFileName().toString());
                if (indexOf(env, wanted) >= 0 && running(pid)) {
                    found.add(pid);
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(MemoryHog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    // ---- capabilities ----

    @Test
    void capabilitiesAreBestEffortAndSaySo() { // SPEC R9: never silently weaker than asked
        assertThat(sandbox.capabilities().memory()).isEqualTo(Enforcement.BEST_EFFORT);
        assertThat(sandbox.capabilities().processes()).isEqualTo(Enforcement.BEST_EFFORT);
        assertThat(sandbox.capabilities().memoryMechanism())
                .contains("watchdog sampling the process tree's resident memory every 200 ms");
        assertThat(sandbox.capabilities().processMechanism())
                .contains("watchdog counting the tree's processes and threads");
        assertThat(sandbox.describe()).startsWith("generic: best effort (watchdog), no kernel limits");
        if (ProcFs.available()) {
            assertThat(sandbox.canReadopt()).isTrue();
            assertThat(sandbox.describe()).contains("ProcessHandle.onExit()", "polls");
        }
    }

    // ---- launch, exit, environment ----

    @Test
    void exitCodeAndOutputGoToTheStatusAndTheLog() throws Exception {
        LaunchSpec spec = spec("/bin/sh", "-c", "echo hi; echo oops >&2; exit 3");
        SandboxedProcess p = launch(spec, ResourceLimits.defaults());

        ExitStatus status = exitOf(p);

        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(Files.readString(spec.logFile())).contains("hi", "oops");
        assertThat(p.usage().processCount()).isZero();
    }

    @Test
    void theLogIsAppendedTo() throws Exception {
        LaunchSpec first = spec("/bin/sh", "-c", "echo first");
        exitOf(launch(first, ResourceLimits.defaults()));
        LaunchSpec second = new LaunchSpec(List.of("/bin/sh", "-c", "echo second"), first.environment(),
                first.workingDirectory(), first.logFile(), first.runToken());
        exitOf(launch(second, ResourceLimits.defaults()));
        assertThat(Files.readString(first.logFile())).contains("first", "second");
    }

    @Test
    void theEnvironmentIsExactlyTheSpecsAndTheWorkingDirectoryIsSet() throws Exception { // SPEC S5
        Path work = Files.createDirectory(dir.resolve("work"));
        LaunchSpec base = spec(Map.of("BGTASKS_TEST_VALUE", "a value with spaces"), "/usr/bin/env");
        LaunchSpec spec = new LaunchSpec(base.command(), base.environment(), work, base.logFile(), base.runToken());

        assertThat(exitOf(launch(spec, ResourceLimits.defaults())).exitCode()).isZero();

        // Nothing of this JVM's environment (PATH, HOME, ...): exactly the spec's.
        assertThat(Files.readAllLines(spec.logFile())).containsExactlyInAnyOrder(
                "BGTASKS_TEST_VALUE=a value with spaces", "BGTASKS_RUN_TOKEN=" + spec.runToken());
        LaunchSpec pwd = spec("/bin/pwd");
        LaunchSpec inWork = new LaunchSpec(pwd.command(), pwd.environment(), work, dir.resolve("pwd.log"),
                pwd.runToken());
        assertThat(exitOf(launch(inWork, ResourceLimits.defaults())).exitCode()).isZero();
        assertThat(Files.readString(inWork.logFile()).trim()).isEqualTo(work.toRealPath().toString());
    }

    @Test
    void theTaskReadsEndOfFileOnStdin() throws Exception {
        SandboxedProcess p = launch(spec("/bin/sh", "-c", "cat; echo done"), ResourceLimits.defaults());
        assertThat(exitOf(p).exitCode()).isZero();
    }

    @Test
    void aMissingProgramFailsTheLaunch() {
        assertThatThrownBy(() -> sandbox.launch(spec("/no/such/program"), ResourceLimits.defaults()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void usageCoversTheWholeTree() throws Exception {
        SandboxedProcess p = launch(spec("/bin/sh", "-c", "sleep 300 & sleep 300 & wait"), ResourceLimits.defaults());
        waitForDescendants(p, 2);
        Await.until(WAIT, "a sample of all three processes", () -> p.usage().processCount() >= 3);
        ResourceUsage u = p.usage();
        assertThat(u.memoryBytes()).isPositive();
        assertThat(u.peakMemoryBytes()).isGreaterThanOrEqualTo(u.memoryBytes());
        assertThat(u.cpuTime().isNegative()).isFalse();
        p.kill();
        ExitStatus status = exitOf(p);
        assertThat(status.peakMemoryBytes()).isGreaterThanOrEqualTo(u.memoryBytes());
        assertThat(p.usage().memoryBytes()).isZero();
        assertThat(p.usage().peakMemoryBytes()).isEqualTo(status.peakMemoryBytes());
    }

    // ---- terminate and kill ----

    @Test
    void terminateSendsSigterm() throws Exception {
        SandboxedProcess p = launch(spec("/bin/sleep", "300"), ResourceLimits.defaults());
        p.terminate();
        ExitStatus status = exitOf(p);
        assertThat(status.exitCode()).isEqualTo(128 + 15);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
    }

    @Test
    void terminateLetsTheTaskExitCleanly() throws Exception {
        SandboxedProcess p = launch(spec("/bin/sh", "-c", "trap 'echo bye; exit 0' TERM; echo ready; "
                + "while :; do sleep 1; done"), ResourceLimits.defaults());
        Await.until(WAIT, "the trap is set", () -> Files.exists(dir.resolve("logs/nested/task.log"))
                && readLog().contains("ready"));
        p.terminate();
        ExitStatus status = exitOf(p);
        assertThat(status.exitCode()).isZero();
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(readLog()).contains("bye");
    }

    private String readLog() {
        try {
            return Files.readString(dir.resolve("logs/nested/task.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void killKillsTheMainProcessAndAllItsChildren() throws Exception { // SPEC X6, X13
        SandboxedProcess p = launch(spec("/bin/sh", "-c", "sleep 300 & sleep 300 & wait"), ResourceLimits.defaults());
        List<Long> children = waitForDescendants(p, 2);

        p.kill();
        ExitStatus status = exitOf(p);

        assertThat(status.exitCode()).isEqualTo(128 + 9);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(running(p.pid())).isFalse();
        assertThat(children).hasSize(2).allSatisfy(pid -> assertThat(running(pid)).as("child %d", pid).isFalse());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void killKillsAGrandchildThatChangedSession() throws Exception { // SPEC X13
        SandboxedProcess p = launch(spec("/bin/sh", "-c", "sh -c 'setsid sleep 300 & wait' & wait"),
                ResourceLimits.defaults());
        String rootSession = statField(p.pid(), 3).orElseThrow();
        Await.until(WAIT, "a descendant in a session of its own", () -> descendantsOf(p).stream()
                .anyMatch(pid -> statField(pid, 3).filter(s -> !s.equals(rootSession)).isPresent()));
        List<Long> tree = descendantsOf(p);
        recordedPids.addAll(tree);

        p.kill();
        exitOf(p);

        assertThat(tree).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(pid -> assertThat(running(pid)).as("descendant %d", pid).isFalse());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anOrphanThatLeftTheTreeIsFoundByItsTokenAndTheTreeEndsOnlyWhenItIsGone() throws Exception { // SPEC X13
        // setsid -f forks: the sleep is reparented to init at once, outside the main process's descendants.
        LaunchSpec spec = spec("/bin/sh", "-c", "setsid -f sleep 300; exit 0");
        SandboxedProcess p = launch(spec, ResourceLimits.defaults());
        Await.until(WAIT, "the main process exited", () -> !running(p.pid()));
        Await.until(WAIT, "the orphan runs", () -> {
            try {
                return !pidsCarrying(spec.runToken()).isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
        Set<Long> orphans = pidsCarrying(spec.runToken());
        recordedPids.addAll(orphans);
        Await.until(WAIT, "the watchdog counts the orphan", () -> p.usage().processCount() >= 1);
        assertThat(p.onExit()).isNotDone();

        p.kill();
        ExitStatus status = exitOf(p);

        assertThat(status.exitCode()).isZero();
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(orphans).allSatisfy(pid -> assertThat(running(pid)).as("orphan %d", pid).isFalse());
    }

    // ---- limits ----

    @Test
    void aTreeOverItsMemoryLimitIsKilledAsOutOfMemory() throws Exception { // SPEC X10
        long limit = 64L << 20;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        LaunchSpec spec = spec(java.toString(), "-Xmx1g", "-XX:+UseSerialGC", "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-cp", testClasses().toString(), MemoryHog.class.getName());
        long startNanos = System.nanoTime();
        SandboxedProcess p = launch(spec, ResourceLimits.builder().memoryBytes(limit).build());

        ExitStatus status = exitOf(p);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        assertThat(status.peakMemoryBytes()).isGreaterThanOrEqualTo(limit);
        assertThat(status.exitCode()).isEqualTo(128 + 9);
        LOG.info("memory watchdog: limit {} MiB, peak {} MiB (overshoot {} MiB), killed {} ms after launch; log: {}",
                limit >> 20, status.peakMemoryBytes() >> 20, (status.peakMemoryBytes() - limit) >> 20, elapsedMs,
                Files.readString(spec.logFile()).strip().replace('\n', ' '));
    }

    @Test
    void aTreeUnderItsMemoryLimitIsLeftAlone() throws Exception {
        SandboxedProcess p = launch(spec("/bin/sh", "-c", "sleep 0.5"),
                ResourceLimits.builder().memoryBytes(256L << 20).build());
        ExitStatus status = exitOf(p);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(status.peakMemoryBytes()).isPositive().isLessThan(256L << 20);
    }

    @Test
    void aForkBombIsStoppedAtItsProcessLimit() throws Exception { // SPEC X12
        LaunchSpec spec = spec("/bin/sh", "-c", "i=0; while [ $i -lt 100 ]; do sleep 60 & i=$((i+1)); done; wait");
        long startNanos = System.nanoTime();
        SandboxedProcess p = launch(spec, ResourceLimits.builder().maxProcesses(20).build());

        ExitStatus status = exitOf(p);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
        assertThat(running(p.pid())).isFalse();
        assertThat(descendantsOf(p)).allSatisfy(pid -> assertThat(running(pid)).isFalse());
        if (ProcFs.available()) {
            assertThat(pidsCarrying(spec.runToken())).isEmpty();
        }
        LOG.info("process watchdog: limit 20, killed {} ms after launch", elapsedMs);
    }

    @Test
    void threadsCountTowardsTheProcessLimit() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // A JVM runs a dozen threads or more before main: over a limit of 5 with a single process.
        SandboxedProcess p = launch(spec(java.toString(), "-cp", testClasses().toString(), MemoryHog.class.getName()),
                ResourceLimits.builder().maxProcesses(5).memoryBytes(1L << 30).build());
        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
    }

    // ---- re-adoption and orphans (SPEC B3) ----

    @Test
    @EnabledOnOs(OS.LINUX)
    void adoptChecksTheRunToken() throws Exception {
        LaunchSpec spec = spec("/bin/sh", "-c", "sleep 300 & wait");
        SandboxedProcess p = launch(spec, ResourceLimits.defaults());
        waitForDescendants(p, 1);
        long self = ProcessHandle.current().pid();

        ResourceLimits limits = ResourceLimits.defaults();
        assertThat(sandbox.adopt(self, "random-" + UUID.randomUUID(), limits)).isEmpty();
        assertThat(sandbox.adopt(p.pid(), "random-" + UUID.randomUUID(), limits)).isEmpty();
        assertThat(sandbox.adopt(p.pid(), spec.runToken().substring(0, 10), limits)).isEmpty();
        assertThat(sandbox.adopt(Long.MAX_VALUE / 2, spec.runToken(), limits)).isEmpty();

        Optional<SandboxedProcess> adopted = sandbox.adopt(p.pid(), spec.runToken(), limits);
        assertThat(adopted).isPresent();
        started.add(adopted.get());
        assertThat(adopted.get().pid()).isEqualTo(p.pid());
        Await.until(WAIT, "the adopted tree is sampled", () -> adopted.get().usage().processCount() >= 2);

        adopted.get().kill();
        ExitStatus status = exitOf(adopted.get());
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXIT_CODE_UNKNOWN);
        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anAdoptedTreeIsHeldToTheRegistrationsLimitsAgain() throws Exception {
        LaunchSpec spec = spec("/bin/sh", "-c", "sleep 300 & sleep 300 & wait");
        SandboxedProcess p = launch(spec, ResourceLimits.defaults());
        waitForDescendants(p, 2);

        SandboxedProcess adopted = sandbox.adopt(p.pid(), spec.runToken(),
                ResourceLimits.builder().maxProcesses(2).build()).orElseThrow();
        started.add(adopted);

        assertThat(exitOf(adopted).reason()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void killOrphanKillsOnlyAProcessCarryingTheToken() throws Exception {
        LaunchSpec spec = spec("/bin/sh", "-c", "sleep 300 & sleep 300 & wait");
        SandboxedProcess p = launch(spec, ResourceLimits.defaults());
        List<Long> children = waitForDescendants(p, 2);
        long self = ProcessHandle.current().pid();

        assertThat(sandbox.killOrphan(self, "random-" + UUID.randomUUID())).isFalse();
        assertThat(sandbox.killOrphan(p.pid(), "random-" + UUID.randomUUID())).isFalse();
        assertThat(running(p.pid())).isTrue();
        assertThat(children).allSatisfy(pid -> assertThat(running(pid)).isTrue());

        assertThat(sandbox.killOrphan(p.pid(), spec.runToken())).isTrue();
        exitOf(p);
        assertThat(running(p.pid())).isFalse();
        assertThat(children).allSatisfy(pid -> assertThat(running(pid)).isFalse());
        assertThat(sandbox.killOrphan(p.pid(), spec.runToken())).isFalse();
    }

    // ---- pure ----

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC, OS.WINDOWS})
    void samplingIsFastNearTheLimitWhenGrowingFastAndJustAfterLaunch() {
        long normal = 200_000_000L;
        long fast = 50_000_000L;
        long mib = 1L << 20;
        OptionalLong limit = OptionalLong.of(100 * mib);
        long later = 10 * normal;
        // No limit: nothing to race.
        assertThat(GenericProcess.nextSampleDelay(OptionalLong.empty(), 500 * mib, 0, normal, 0, normal,
                fast)).isEqualTo(normal);
        // Just launched: growth unknown yet.
        assertThat(GenericProcess.nextSampleDelay(limit, 10 * mib, -1, 0, 0, normal, fast)).isEqualTo(fast);
        // Steady and far from the limit.
        assertThat(GenericProcess.nextSampleDelay(limit, 50 * mib, 50 * mib, normal, later, normal, fast))
                .isEqualTo(normal);
        // Above 80 % of the limit.
        assertThat(GenericProcess.nextSampleDelay(limit, 81 * mib, 81 * mib, normal, later, normal, fast))
                .isEqualTo(fast);
        // 50 MiB in the last 200 ms and 40 MiB to go: the limit comes before the next normal sample.
        assertThat(GenericProcess.nextSampleDelay(limit, 60 * mib, 10 * mib, normal, later, normal, fast))
                .isEqualTo(fast);
        // 10 MiB in the last 200 ms and 40 MiB to go: there is time.
        assertThat(GenericProcess.nextSampleDelay(limit, 60 * mib, 50 * mib, normal, later, normal, fast))
                .isEqualTo(normal);
        // Shrinking.
        assertThat(GenericProcess.nextSampleDelay(limit, 40 * mib, 70 * mib, normal, later, normal, fast))
                .isEqualTo(normal);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC, OS.WINDOWS})
    void exitReasons() {
        assertThat(GenericProcess.reasonOf(0, false, false)).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(GenericProcess.reasonOf(3, true, false)).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(GenericProcess.reasonOf(128, false, false)).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(GenericProcess.reasonOf(137, false, false)).isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(GenericProcess.reasonOf(143, true, false)).isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(GenericProcess.reasonOf(1, true, true)).isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(GenericProcess.reasonOf(1, false, true)).isEqualTo(ExitStatus.Reason.EXITED);
    }
}
