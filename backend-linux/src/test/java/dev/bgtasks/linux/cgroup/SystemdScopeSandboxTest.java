package dev.bgtasks.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class SystemdScopeSandboxTest {
    private static final String SCOPE_PARENT = "user.slice/user-1000.slice/user@1000.service/app.slice";
    private static final long MIB = 1L << 20;

    @TempDir
    Path temp;

    private Path bin;
    private Path runtime;
    private Path cgroupRoot;
    private Path proc;
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private final List<List<String>> argvs = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> environments = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        bin = Files.createDirectories(temp.resolve("bin"));
        Path script = bin.resolve("systemd-run");
        try (InputStream in = resource("fake-systemd-run.sh")) {
            Files.copy(in, script);
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A systemctl that answers `show` from a file the test writes, and logs every call.
        Path systemctl = bin.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/sh\necho \"$*\" >> '" + temp.resolve("systemctl.calls") + "'\n"
                + "[ \"$2\" = show ] && cat '" + temp.resolve("systemctl.show") + "'\nexit 0\n");
        Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(temp.resolve("systemctl.show"), "ActiveState=inactive\nResult=success\n");
        runtime = Files.createDirectories(temp.resolve("run/user/1000"));
        Files.createDirectories(runtime.resolve("systemd"));
        Files.writeString(runtime.resolve("systemd/private"), "");
        cgroupRoot = Files.createDirectories(temp.resolve("sys/fs/cgroup"));
        Files.writeString(cgroupRoot.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        proc = Files.createDirectories(temp.resolve("proc"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : started) {
            // The supervisor's command first: a SIGKILL of the supervisor alone would leave it running.
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.onExit().get(5, TimeUnit.SECONDS);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = SystemdScopeSandboxTest.class.getResourceAsStream("/systemd/" + name);
        assertThat(in).as("test resource systemd/%s", name).isNotNull();
        return in;
    }

    private static String resourceText(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Map<String, String> env() {
        return Map.of("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "XDG_RUNTIME_DIR", runtime.toString());
    }

    /**
     * A runner that starts the fake systemd-run for real, then plays systemd's and the kernel's part: writes
     * {@code /proc/<pid>/cgroup} and the scope's cgroup directory, which {@code tree} fills.
     */
    private SystemdScopeSandbox.Runner runner(String procCgroupResource, Consumer<Path> tree) {
        return (argv, environment, workingDirectory, logFile) -> {
            argvs.add(List.copyOf(argv));
            environments.add(Map.copyOf(environment));
            Process p = SystemdScopeSandbox.PROCESS_BUILDER.start(argv, environment, workingDirectory, logFile);
            started.add(p);
            String unit = argv.stream().filter(a -> a.startsWith("--unit=")).findFirst().orElseThrow()
                    .substring("--unit=".length());
            Path pidDir = Files.createDirectories(proc.resolve(Long.toString(p.pid())));
            Files.writeString(pidDir.resolve("cgroup"), resourceText(procCgroupResource).replace("@UNIT@", unit));
            Path scope = Files.createDirectories(cgroupRoot.resolve(SCOPE_PARENT).resolve(unit + ".scope"));
            Files.writeString(scope.resolve("cgroup.kill"), "");
            Files.writeString(scope.resolve("cgroup.procs"), p.pid() + "\n");
            tree.accept(scope);
            return p;
        };
    }

    private SystemdScopeSandbox sandbox(SystemdScopeSandbox.Runner runner) {
        List<String> whyNot = new ArrayList<>();
        Optional<SystemdScopeSandbox> s = SystemdScopeSandbox.probe(env(),
                new SystemdScopeSandbox.Roots(cgroupRoot, proc), runner, whyNot);
        assertThat(whyNot).isEmpty();
        return s.orElseThrow();
    }

    private LaunchSpec spec(String token, String... command) {
        return new LaunchSpec(List.of(command), Map.of("BGTASKS_RUN_TOKEN", token), temp, temp.resolve("log/task.log"),
                token);
    }

    private static Consumer<Path> limits(String memoryMax, String pidsMax) {
        return dir -> {
            try {
                if (memoryMax != null) {
                    Files.writeString(dir.resolve("memory.max"), memoryMax + "\n");
                    Files.writeString(dir.resolve("memory.current"), "1048576\n");
                    Files.writeString(dir.resolve("memory.peak"), "2097152\n");
                    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
                }
                if (pidsMax != null) {
                    Files.writeString(dir.resolve("pids.max"), pidsMax + "\n");
                    Files.writeString(dir.resolve("pids.current"), "1\n");
                    Files.writeString(dir.resolve("pids.events"), "max 0\n");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String expectedUnit(String token) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        return "bgtasks-" + HexFormat.of().formatHex(digest).substring(0, 16);
    }

    // ---- argv ----

    @Test
    void argvCarriesTheExactPropertiesAndTheUnitFromTheToken() throws Exception {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(64 * MIB).maxProcesses(32).build();
        List<String> argv = SystemdScopeSandbox.argv(Path.of("/usr/bin/systemd-run"), "token-1", limits,
                List.of("/usr/bin/printf", "%s\\n", "a b; rm -rf $HOME"));
        assertThat(argv).containsExactly("/usr/bin/systemd-run", "--user", "--scope", "--quiet",
                "--unit=" + expectedUnit("token-1"),
                "-p", "MemoryMax=67108864", "-p", "MemorySwapMax=0", "-p", "TasksMax=32", "-p", "OOMPolicy=kill",
                "--", "/usr/bin/printf", "%s\\n", "a b; rm -rf $HOME");
        assertThat(argv).noneMatch(a -> a.equals("/bin/sh") || a.equals("-c"));
    }

    @Test
    void withoutLimitsMemoryIsInfinityAndTasksTheDefault() throws Exception {
        List<String> argv = SystemdScopeSandbox.argv(Path.of("/bin/systemd-run"), "t", ResourceLimits.defaults(),
                List.of("/bin/true"));
        assertThat(argv).contains("MemoryMax=infinity", "TasksMax=512", "--unit=" + expectedUnit("t"));
        assertThat(SystemdScopeSandbox.unitName("t")).isEqualTo(expectedUnit("t")).hasSize(8 + 16);
    }

    // ---- probe ----

    @Test
    void probeFindsSystemdRunTheUserManagerAndCgroup2() {
        List<String> whyNot = new ArrayList<>();
        Optional<SystemdScopeSandbox> s = SystemdScopeSandbox.probe(env(),
                new SystemdScopeSandbox.Roots(cgroupRoot, proc), SystemdScopeSandbox.PROCESS_BUILDER, whyNot);
        assertThat(s).isPresent();
        assertThat(whyNot).isEmpty();
        assertThat(s.get().canReadopt()).isTrue();
        assertThat(s.get().adopt(1, "t", ResourceLimits.defaults())).isEmpty();
        assertThat(s.get().describe()).contains("systemd-run", "--user --scope", "MemoryMax", "TasksMax",
                "supervisor", "re-adoption: the scope outlives the broker");
        assertThat(s.get().capabilities().memory()).isEqualTo(Enforcement.ENFORCED);
        assertThat(s.get().capabilities().processes()).isEqualTo(Enforcement.ENFORCED);
        assertThat(s.get().capabilities().memoryMechanism()).contains("systemd-run", "MemoryMax");
        assertThat(s.get().capabilities().processMechanism()).contains("systemd-run", "TasksMax");
    }

    @Test
    void probeSaysWhyNot() {
        SystemdScopeSandbox.Roots roots = new SystemdScopeSandbox.Roots(cgroupRoot, proc);
        List<String> whyNot = new ArrayList<>();
        assertThat(SystemdScopeSandbox.probe(Map.of("PATH", temp.resolve("empty").toString(),
                "XDG_RUNTIME_DIR", runtime.toString()), roots, SystemdScopeSandbox.PROCESS_BUILDER, whyNot)).isEmpty();
        assertThat(whyNot).singleElement().asString().contains("systemd-run is not on PATH");

        whyNot.clear();
        assertThat(SystemdScopeSandbox.probe(Map.of("PATH", bin.toString()), roots,
                SystemdScopeSandbox.PROCESS_BUILDER, whyNot)).isEmpty();
        assertThat(whyNot).singleElement().asString().contains("XDG_RUNTIME_DIR is not set");

        whyNot.clear();
        assertThat(SystemdScopeSandbox.probe(Map.of("PATH", bin.toString(), "XDG_RUNTIME_DIR",
                temp.resolve("run/user/2000").toString()), roots, SystemdScopeSandbox.PROCESS_BUILDER, whyNot))
                .isEmpty();
        assertThat(whyNot).singleElement().asString().contains("no systemd user manager", "systemd/private");

        whyNot.clear();
        assertThat(SystemdScopeSandbox.probe(env(), new SystemdScopeSandbox.Roots(null, proc),
                SystemdScopeSandbox.PROCESS_BUILDER, whyNot)).isEmpty();
        assertThat(whyNot).singleElement().asString().contains("no cgroup2 (unified) hierarchy");

        whyNot.clear();
        assertThat(SystemdScopeSandbox.probe(env(), new SystemdScopeSandbox.Roots(temp.resolve("v1-only"), proc),
                SystemdScopeSandbox.PROCESS_BUILDER, whyNot)).isEmpty();
        assertThat(whyNot).singleElement().asString().contains("cgroup v1");
    }

    @Test
    void aNonExecutableSystemdRunIsNotFound() throws IOException {
        Path other = Files.createDirectories(temp.resolve("other"));
        Files.writeString(other.resolve("systemd-run"), "");
        assertThat(SystemdScopeSandbox.onPath(other + "::" + bin, "systemd-run")).contains(bin.resolve("systemd-run"));
        assertThat(SystemdScopeSandbox.onPath(null, "systemd-run")).isEmpty();
    }

    // ---- launch and verification ----

    @Test
    void aScopeThatHoldsTheLimitsIsAcceptedAndRunsTheCommand() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("67108864", "32")));
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(64 * MIB).maxProcesses(32).build();
        SandboxedProcess p = sandbox.launch(spec("tok-ok", "/bin/sh", "-c", "echo hello from $BGTASKS_RUN_TOKEN"),
                limits);

        assertThat(argvs).singleElement().satisfies(argv -> {
            assertThat(argv.get(0)).isEqualTo(bin.resolve("systemd-run").toString());
            assertThat(argv).contains("--unit=" + expectedUnit("tok-ok"), "MemoryMax=67108864", "TasksMax=32");
        });
        ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(status.exitCode()).isZero();
        assertThat(status.peakMemoryBytes()).isEqualTo(2 * MIB);
        assertThat(Files.readString(temp.resolve("log/task.log"))).contains("hello from tok-ok");
    }

    @Test
    void theTaskGetsExactlyTheSpecsEnvironmentThoughSystemdRunNeedsTheRuntimeDirectory() throws Exception {
        // SPEC S5
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("max", "512")));
        Map<String, String> env = Map.of("BGTASKS_RUN_TOKEN", "tok-env", "HOME", "/home/ann",
                "PWD", temp.toString());
        LaunchSpec spec = new LaunchSpec(List.of("/usr/bin/env"), env, temp, temp.resolve("log/env.log"), "tok-env");

        assertThat(sandbox.launch(spec, ResourceLimits.defaults()).onExit().get(10, TimeUnit.SECONDS).exitCode())
                .isZero();

        assertThat(environments).singleElement().satisfies(e ->
                assertThat(e).containsEntry("XDG_RUNTIME_DIR", runtime.toString()));
        assertThat(Files.readAllLines(temp.resolve("log/env.log"))).containsExactlyInAnyOrder(
                "BGTASKS_RUN_TOKEN=tok-env", "HOME=/home/ann", "PWD=" + temp);
    }

    @Test
    void aTaskGivenTheSessionKeepsItsRuntimeDirectory() throws Exception { // SPEC S5
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("max", "512")));
        Map<String, String> env = Map.of("BGTASKS_RUN_TOKEN", "tok-s", "XDG_RUNTIME_DIR", "/run/user/1000",
                "PWD", temp.toString());
        LaunchSpec spec = new LaunchSpec(List.of("/usr/bin/env"), env, temp, temp.resolve("log/s.log"), "tok-s");

        assertThat(sandbox.launch(spec, ResourceLimits.defaults()).onExit().get(10, TimeUnit.SECONDS).exitCode())
                .isZero();

        // The supervisor runs it (SPEC B5) and leaves the runtime directory alone.
        assertThat(argvs).singleElement().satisfies(argv -> {
            List<String> inScope = argv.subList(argv.indexOf("--") + 1, argv.size());
            assertThat(inScope.get(0)).isEqualTo("/bin/sh");
            assertThat(inScope.get(2)).doesNotContain("unset");
            assertThat(inScope.get(inScope.size() - 1)).isEqualTo("/usr/bin/env");
        });
        assertThat(Files.readAllLines(temp.resolve("log/s.log"))).containsExactlyInAnyOrder(
                "BGTASKS_RUN_TOKEN=tok-s", "XDG_RUNTIME_DIR=/run/user/1000", "PWD=" + temp);
    }

    @Test
    void usageComesFromTheScopeAndKillUsesCgroupKill() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("max", "512")));
        SandboxedProcess p = sandbox.launch(spec("tok-kill", "sleep", "30"), ResourceLimits.defaults());
        // The task's pid is the command's, the child of its supervisor (SPEC B5), which systemd-run became.
        assertThat(ProcessHandle.of(p.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .contains(started.get(0).pid());
        assertThat(p.usage().memoryBytes()).isEqualTo(MIB);
        assertThat(p.usage().peakMemoryBytes()).isEqualTo(2 * MIB);
        assertThat(p.usage().processCount()).isEqualTo(1);

        p.kill();
        ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
        Path scope = cgroupRoot.resolve(SCOPE_PARENT).resolve(expectedUnit("tok-kill") + ".scope");
        assertThat(Files.readString(scope.resolve("cgroup.kill"))).isEqualTo("1");
    }

    /**
     * SPEC B5: the supervisor traps SIGTERM (it must live to record the status), so the polite SIGTERM goes to the
     * command itself; sent to the supervisor alone, it would never end the task and this would time out.
     */
    @Test
    void terminateSendsSigtermToTheCommandNotJustItsSupervisor() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("max", "512")));
        SandboxedProcess p = sandbox.launch(spec("tok-term", "sleep", "30"), ResourceLimits.defaults());
        assertThat(p.pid()).isNotEqualTo(started.get(0).pid());
        p.terminate();
        ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(status.exitCode()).isEqualTo(128 + 15);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
    }

    @Test
    void aScopeWithoutTheMemoryLimitIsKilledAndTheLaunchFails() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("max", "32")));
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(64 * MIB).maxProcesses(32).build();
        assertThatThrownBy(() -> sandbox.launch(spec("tok-max", "sleep", "30"), limits))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("systemd accepted the scope but enforces nothing here")
                .hasMessageContaining("memory.max max (wanted 67108864)");
        assertThat(started).singleElement().satisfies(p -> assertThat(p.isAlive()).isFalse());
        Path scope = cgroupRoot.resolve(SCOPE_PARENT).resolve(expectedUnit("tok-max") + ".scope");
        assertThat(scope.resolve("cgroup.kill")).hasContent("1");
    }

    @Test
    void aV1HostWithoutMemoryMaxIsRefusedAndTheProcessKilled() throws Exception {
        // Hybrid: the 0:: line names the scope, but the unified hierarchy has no controllers, so no limit files.
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-hybrid.txt", limits(null, null)));
        assertThatThrownBy(() -> sandbox.launch(spec("tok-v1", "sleep", "30"), ResourceLimits.defaults()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("systemd accepted the scope but enforces nothing here")
                .hasMessageContaining("memory.max (missing)")
                .hasMessageContaining("pids.max (missing) (wanted 512)");
        assertThat(started).singleElement().satisfies(p -> assertThat(p.isAlive()).isFalse());
    }

    @Test
    void aWrongProcessLimitIsRefusedToo() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("max", "max")));
        assertThatThrownBy(() -> sandbox.launch(spec("tok-pids", "sleep", "30"),
                ResourceLimits.builder().maxProcesses(16).build()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("enforces nothing here")
                .hasMessageContaining("pids.max max (wanted 16)");
        assertThat(started).singleElement().satisfies(p -> assertThat(p.isAlive()).isFalse());
    }

    // ---- exit reasons from the scope's events ----

    @Test
    void anOomKillInTheScopeIsOutOfMemory() throws Exception {
        String events = resourceText("memory.events.oom");
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt",
                limits("67108864", "512").andThen(dir -> write(dir.resolve("memory.events"), events))));
        SandboxedProcess p = sandbox.launch(spec("tok-oom", "/bin/sh", "-c", "kill -9 $$"),
                ResourceLimits.builder().memoryBytes(64 * MIB).build());
        ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        assertThat(status.exitCode()).isEqualTo(137);
    }

    /**
     * Issue 21 (the VM rig's 20-desktop-user case, one run in two): the OOM kill emptied the scope and systemd removed
     * its cgroup before bgtasks sampled {@code oom_kill}, so the task was recorded as killed from outside. systemd
     * read the counter itself and says {@code Result=oom-kill}; the failed scope is then unloaded.
     */
    @Test
    void aSigkillSystemdCallsOomKillIsOutOfMemoryEvenWhenTheCounterWentWithTheCgroup() throws Exception {
        Files.writeString(temp.resolve("systemctl.show"), "ActiveState=failed\nResult=oom-kill\n");
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("67108864", "512")));
        SandboxedProcess p = sandbox.launch(spec("tok-oom-late", "/bin/sh", "-c", "kill -9 $$"),
                ResourceLimits.builder().memoryBytes(64 * MIB).build());
        ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        String unit = expectedUnit("tok-oom-late") + ".scope";
        assertThat(Files.readAllLines(temp.resolve("systemctl.calls")))
                .containsExactly("--user show --property=ActiveState,Result " + unit, "--user reset-failed " + unit);
    }

    @Test
    void aSigkillFromOutsideThatSystemdCallsSuccessStaysASignal() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("67108864", "512")));
        SandboxedProcess p = sandbox.launch(spec("tok-killed", "/bin/sh", "-c", "kill -9 $$"),
                ResourceLimits.builder().memoryBytes(64 * MIB).build());
        ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(status.exitCode()).isEqualTo(137);
        assertThat(Files.readAllLines(temp.resolve("systemctl.calls")))
                .containsExactly("--user show --property=ActiveState,Result " + expectedUnit("tok-killed") + ".scope");
    }

    @Test
    void anOrdinaryExitDoesNotAskSystemd() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("67108864", "512")));
        SandboxedProcess p = sandbox.launch(spec("tok-exit", "/bin/sh", "-c", "exit 3"),
                ResourceLimits.builder().memoryBytes(64 * MIB).build());
        assertThat(p.onExit().get(10, TimeUnit.SECONDS).reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(temp.resolve("systemctl.calls")).doesNotExist();
    }

    @Test
    void systemctlShowOutputIsReadAsProperties() {
        assertThat(ScopeUnits.properties("ActiveState=failed\nResult=oom-kill\nnoise\n"))
                .containsEntry("ActiveState", "failed").containsEntry("Result", "oom-kill").hasSize(2);
    }

    @Test
    void refusedForksOfAFailedTaskAreProcessLimit() throws Exception {
        String events = resourceText("pids.events.max");
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt",
                limits("max", "8").andThen(dir -> write(dir.resolve("pids.events"), events))));
        SandboxedProcess failed = sandbox.launch(spec("tok-fork", "/bin/sh", "-c", "exit 2"),
                ResourceLimits.builder().maxProcesses(8).build());
        assertThat(failed.onExit().get(10, TimeUnit.SECONDS).reason()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);

        SandboxedProcess fine = sandbox.launch(spec("tok-fork-ok", "/bin/sh", "-c", "exit 0"),
                ResourceLimits.builder().maxProcesses(8).build());
        assertThat(fine.onExit().get(10, TimeUnit.SECONDS).reason()).isEqualTo(ExitStatus.Reason.EXITED);
    }


    // ---- the supervisor (SPEC B5) and re-adoption (SPEC B3, B6) ----

    /** SPEC B5: the supervisor in the scope records the command's exit status beside the run log. */
    @Test
    void theSupervisorRecordsTheCommandsExitStatusBesideTheRunLog() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(runner("proc-cgroup-v2.txt", limits("67108864", "512")));
        SandboxedProcess p = sandbox.launch(spec("tok-b5", "/bin/sh", "-c", "exit 7"),
                ResourceLimits.builder().memoryBytes(64 * MIB).build());
        ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(status.exitCode()).isEqualTo(7);
        assertThat(TaskEndRecords.readExit(TaskEndRecords.exitFile(temp.resolve("log/task.log"))))
                .hasValueSatisfying(exit -> assertThat(exit.exitCode()).isEqualTo(7));
    }

    /**
     * SPEC B5: the supervisor's prelude finds its scope in /proc/self/cgroup (systemd chose the place) and reads
     * the scope's counters into the record: here the test's own cgroup2 path, made beneath a fake mount.
     */
    @Test
    void theSupervisorReadsTheCountersOfTheCgroupItRunsIn() throws Exception {
        String own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream().filter(l -> l.startsWith("0::"))
                .map(l -> l.substring(3)).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(own != null, "no cgroup2 line in /proc/self/cgroup");
        Path mount = Files.createDirectories(temp.resolve("mount"));
        Path scope = Files.createDirectories(Path.of(mount + own));
        Files.writeString(scope.resolve("memory.peak"), "12345\n");
        Files.writeString(scope.resolve("memory.events"), "low 0\noom 1\noom_kill 1\n");
        Files.writeString(scope.resolve("pids.events"), "max 3\n");
        Path exitFile = temp.resolve("log/x.log.exit");
        Files.createDirectories(exitFile.getParent());
        List<String> argv = SystemdScopeSandbox.supervised(mount, true, exitFile,
                List.of("/bin/sh", "-c", "[ -z \"$XDG_RUNTIME_DIR\" ] && exit 9"));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process supervisor = builder.start();
        started.add(supervisor);
        assertThat(supervisor.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(supervisor.exitValue()).as("the runtime directory is unset for the command").isEqualTo(9);
        assertThat(TaskEndRecords.readExit(exitFile)).hasValueSatisfying(exit -> {
            assertThat(exit.exitCode()).isEqualTo(9);
            assertThat(exit.peakMemoryBytes()).isEqualTo(12345);
            assertThat(exit.oomKills()).isEqualTo(1);
            assertThat(exit.processLimitHits()).isEqualTo(3);
        });
    }

    /** A task as a broker that died left it: its supervisor runs the command, both in the token's scope. */
    private record Orphan(Process supervisor, long command, Path scope, Path exitFile, Path go) {
    }

    private Orphan orphan(String token, String exitCode) throws Exception {
        String unit = expectedUnit(token);
        Path go = temp.resolve("go-" + token);
        Path exitFile = temp.resolve("log/" + token + ".log.exit");
        Files.createDirectories(exitFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(SystemdScopeSandbox.supervised(cgroupRoot, false, exitFile,
                List.of("/bin/sh", "-c", "while [ ! -e '" + go + "' ]; do sleep 0.05; done; exit " + exitCode)));
        builder.environment().put("BGTASKS_RUN_TOKEN", token);
        Process supervisor = builder.start();
        started.add(supervisor);
        long[] command = {-1};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (command[0] < 0 && System.nanoTime() - deadline < 0) {
            supervisor.children().findFirst().ifPresent(child -> command[0] = child.pid());
            Thread.onSpinWait();
        }
        assertThat(command[0]).as("the supervisor's command").isPositive();
        String path = "/" + SCOPE_PARENT + "/" + unit + ".scope";
        Path scope = Files.createDirectories(cgroupRoot.resolve(SCOPE_PARENT).resolve(unit + ".scope"));
        limits("67108864", "512").accept(scope);
        Files.writeString(scope.resolve("cgroup.kill"), "");
        Files.writeString(scope.resolve("cgroup.procs"), supervisor.pid() + "\n" + command[0] + "\n");
        for (long pid : List.of(supervisor.pid(), command[0])) {
            Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
            Files.writeString(dir.resolve("cgroup"), "0::" + path + "\n");
            Files.write(dir.resolve("environ"), ("PATH=/bin\0BGTASKS_RUN_TOKEN=" + token + "\0")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(proc.resolve(Long.toString(command[0])).resolve("stat"),
                command[0] + " (sh) S " + supervisor.pid() + " 1 1 0 -1\n");
        Files.writeString(proc.resolve(Long.toString(supervisor.pid())).resolve("stat"),
                supervisor.pid() + " (sh) S 1 1 1 0 -1\n");
        return new Orphan(supervisor, command[0], scope, exitFile, go);
    }

    /**
     * SPEC B3, B5: a task a dead broker left in its scope is re-adopted by its command's pid; its end is its
     * supervisor's exit, which comes after the supervisor wrote the exit record, so the record is there when the
     * end is reported, and the broker takes the true exit code from it.
     */
    @Test
    void aTaskLeftInItsScopeIsReadoptedAndItsRecordIsThereWhenItEnds() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(SystemdScopeSandbox.PROCESS_BUILDER);
        Orphan orphan = orphan("tok-adopt", "7");
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(64 * MIB).build();

        SandboxedProcess p = sandbox.adopt(orphan.command(), "tok-adopt", limits).orElseThrow();
        assertThat(p.pid()).isEqualTo(orphan.command());
        assertThat(p.usage().peakMemoryBytes()).isEqualTo(2 * MIB);
        Files.writeString(orphan.go(), "");
        ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXIT_CODE_UNKNOWN);
        assertThat(TaskEndRecords.readExit(orphan.exitFile()))
                .hasValueSatisfying(exit -> assertThat(exit.exitCode()).isEqualTo(7));
        // Not this broker's child: systemd is asked how the scope ended (an OOM kill may have left no record).
        assertThat(Files.readAllLines(temp.resolve("systemctl.calls")))
                .contains("--user show --property=ActiveState,Result " + expectedUnit("tok-adopt") + ".scope");
    }

    /** SPEC B6: a restarted broker finds the command of a token's scope, never its supervisor. */
    @Test
    void theTokensScopeNamesItsCommandToARestartedBroker() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(SystemdScopeSandbox.PROCESS_BUILDER);
        Orphan orphan = orphan("tok-find", "0");
        assertThat(sandbox.findByToken("tok-find")).hasValue(orphan.command());
        assertThat(sandbox.findByToken("tok-none")).isEmpty();
        Files.writeString(orphan.go(), "");
    }

    /** SPEC B3: pids are reused, so a process is taken back only with the token and in the token's scope. */
    @Test
    void aProcessWithoutTheTokenOrOutsideTheTokensScopeIsNotAdopted() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(SystemdScopeSandbox.PROCESS_BUILDER);
        Orphan orphan = orphan("tok-mine", "0");
        assertThat(sandbox.adopt(orphan.command(), "tok-other", ResourceLimits.defaults())).isEmpty();
        Files.writeString(proc.resolve(Long.toString(orphan.command())).resolve("cgroup"),
                "0::/" + SCOPE_PARENT + "/elsewhere.scope\n");
        assertThat(sandbox.adopt(orphan.command(), "tok-mine", ResourceLimits.defaults())).isEmpty();
        Files.writeString(orphan.go(), "");
    }

    // ---- orphans ----

    @Test
    void killOrphanKillsTheTokensScopeWhenItExists() throws Exception {
        SystemdScopeSandbox sandbox = sandbox(SystemdScopeSandbox.PROCESS_BUILDER);
        assertThat(sandbox.killOrphan(4242, "tok-gone")).isFalse();

        Path scope = Files.createDirectories(cgroupRoot.resolve(SCOPE_PARENT)
                .resolve(expectedUnit("tok-orphan") + ".scope"));
        Files.writeString(scope.resolve("cgroup.procs"), "4242\n4243\n");
        Files.writeString(scope.resolve("cgroup.kill"), "");
        assertThat(sandbox.findScope(expectedUnit("tok-orphan"))).contains(scope);
        assertThat(sandbox.killOrphan(4242, "tok-orphan")).isTrue();
        assertThat(scope.resolve("cgroup.kill")).hasContent("1");
    }

    @Test
    void theUnifiedLineIsTheScopePath() throws Exception {
        assertThat(SystemdScopeSandbox.unifiedPath("12:pids:/a\n0::/user.slice/x.scope\n"))
                .contains("/user.slice/x.scope");
        assertThat(SystemdScopeSandbox.unifiedPath("12:pids:/a\n4:memory:/b\n")).isEmpty();
    }
}
