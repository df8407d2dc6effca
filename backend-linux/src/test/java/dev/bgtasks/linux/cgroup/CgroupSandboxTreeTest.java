package dev.bgtasks.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup sandbox against recorded cgroup trees in a temp directory, with real task processes: a small fake
 * kernel ({@link FakeKernel}) fills new cgroup directories with the recorded files, merges
 * {@code cgroup.subtree_control}, kills on {@code cgroup.kill}, refuses to remove busy cgroups and answers
 * {@code /proc/<pid>/cgroup} from the {@code cgroup.procs} files. This is how the cgroup2 code is proven on a host
 * without a cgroup2 memory controller; the native tests prove v1 (and v2 where the host has it) on the kernel.
 */
@EnabledOnOs(OS.LINUX)
class CgroupSandboxTreeTest {
    static final String OWN_V2 = "/user.slice/user-1000.slice/user@1000.service/app.slice/bgtasks-broker.service";
    static final String OWN_V1_MEMORY = "/process_api/5e2a83e49acaf50a7b1eef7a605e41cd";
    static final long FAKE_BROKER_PID = 4_000_000L;
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private final List<CgroupSandbox> sandboxes = new ArrayList<>();
    private final List<SandboxedProcess> started = new ArrayList<>();

    @AfterEach
    void killEverything() {
        for (SandboxedProcess p : started) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        sandboxes.forEach(CgroupSandbox::close);
    }

    // ---- cgroup2 ----

    @Nested
    class V2 {
        private Path own() {
            return root.resolve("sys/fs/cgroup" + OWN_V2);
        }

        private FakeKernel recordHost(String controllers, Set<String> missingFiles) throws IOException {
            Path mount = root.resolve("sys/fs/cgroup");
            FakeKernel kernel = new FakeKernel(Map.of(mount, "v2"), missingFiles);
            Files.createDirectories(own());
            Files.writeString(mount.resolve("cgroup.controllers"), controllers + "\n");
            Files.writeString(mount.resolve("cgroup.procs"), "1\n");
            Files.writeString(own().resolve("cgroup.controllers"), controllers + "\n");
            Files.writeString(own().resolve("cgroup.subtree_control"), "");
            Files.writeString(own().resolve("cgroup.procs"), FAKE_BROKER_PID + "\n");
            return kernel;
        }

        private CgroupSandbox open(FakeKernel kernel, String procSelfCgroup) throws CgroupUnavailableException {
            CgroupSandbox sandbox = CgroupSandbox.open(new CgroupEnvironment(root, procSelfCgroup,
                    CgroupParsersTest.fixture("mountinfo-v2.txt"), FAKE_BROKER_PID, kernel));
            sandboxes.add(sandbox);
            return sandbox;
        }

        private CgroupSandbox open(FakeKernel kernel) throws CgroupUnavailableException {
            return open(kernel, CgroupParsersTest.fixture("proc-self-cgroup-v2.txt"));
        }

        @Test
        void theBrokerMovesIntoALeafThenControllersAreEnabledTopDown() throws Exception {
            FakeKernel kernel = recordHost("cpuset cpu io memory hugetlb pids rdma misc", Set.of());
            CgroupSandbox sandbox = open(kernel);

            assertThat(sandbox.mechanism()).isEqualTo("cgroup2 memory.max+pids.max");
            assertThat(sandbox.capabilities().memory()).isEqualTo(Enforcement.ENFORCED);
            assertThat(sandbox.capabilities().memoryMechanism()).contains("memory.max");
            assertThat(sandbox.capabilities().processes()).isEqualTo(Enforcement.ENFORCED);
            assertThat(sandbox.capabilities().processMechanism()).isEqualTo("cgroup2 pids.max");
            assertThat(sandbox.describe()).startsWith("cgroup2 memory.max+pids.max").contains("cgroup.kill")
                    .contains("memory.peak");
            assertThat(Files.readString(own().resolve("broker/cgroup.procs")).trim())
                    .isEqualTo(Long.toString(FAKE_BROKER_PID));
            assertThat(sandbox.brokerCgroups()).containsExactly(own().resolve("broker"));
            assertThat(sandbox.taskRoots()).containsExactly(own().resolve("bgtasks/instances"));
            for (Path cgroup : List.of(own(), own().resolve("bgtasks"), own().resolve("bgtasks/instances"))) {
                assertThat(CgroupParsers.controllers(Files.readString(cgroup.resolve("cgroup.subtree_control"))))
                        .contains("memory", "pids");
            }
            // The no-internal-process rule: out of <own> first, then +memory +pids, parent before child.
            assertThat(kernel.writes()).containsSubsequence(
                    rel(own().resolve("broker/cgroup.procs")) + "=" + FAKE_BROKER_PID,
                    rel(own().resolve("cgroup.subtree_control")) + "=+memory +pids",
                    rel(own().resolve("bgtasks/cgroup.subtree_control")) + "=+memory +pids",
                    rel(own().resolve("bgtasks/instances/cgroup.subtree_control")) + "=+memory +pids");
            // The broker's own cgroup is never limited.
            assertThat(kernel.writes()).noneMatch(w -> w.startsWith(rel(own().resolve("broker")) + "/memory")
                    || w.startsWith(rel(own().resolve("broker")) + "/pids"));
        }

        /**
         * Issue 21: systemd 254+ with {@code DelegateSubgroup=broker} starts the service's broker in the leaf
         * {@code <unit>.service/broker} before it made anything: the unit's cgroup is its own, so it neither moves
         * nor nests a {@code broker/broker}, and the leaf, where a restarted broker starts again, hands no
         * controllers to children.
         */
        @Test
        void aBrokerSystemdStartedInItsUnitsDelegatedSubgroupTakesTheUnitAsItsOwn() throws Exception {
            FakeKernel kernel = recordHost("memory pids", Set.of());
            Files.writeString(own().resolve("cgroup.procs"), "");
            Path leaf = Files.createDirectories(own().resolve("broker"));
            Files.writeString(leaf.resolve("cgroup.controllers"), "memory pids\n");
            Files.writeString(leaf.resolve("cgroup.subtree_control"), "");
            Files.writeString(leaf.resolve("cgroup.procs"), FAKE_BROKER_PID + "\n");
            CgroupSandbox sandbox = open(kernel, "0::" + OWN_V2 + "/broker\n");
            assertThat(sandbox.taskRoots()).containsExactly(own().resolve("bgtasks/instances"));
            assertThat(sandbox.brokerCgroups()).containsExactly(leaf);
            assertThat(kernel.writes()).noneMatch(w -> w.endsWith("/cgroup.procs=" + FAKE_BROKER_PID));
            assertThat(leaf.resolve("broker")).doesNotExist();
            assertThat(Files.readString(leaf.resolve("cgroup.subtree_control"))).isBlank();
        }

        @Test
        void aSecondOpenFromInsideTheLeafMovesNothing() throws Exception {
            FakeKernel kernel = recordHost("memory pids", Set.of());
            open(kernel).close();
            int moves = (int) kernel.writes().stream().filter(w -> w.endsWith("/cgroup.procs=" + FAKE_BROKER_PID))
                    .count();
            CgroupSandbox again = open(kernel, "0::" + OWN_V2 + "/broker\n");
            assertThat(again.taskRoots()).containsExactly(own().resolve("bgtasks/instances"));
            assertThat(kernel.writes().stream().filter(w -> w.endsWith("/cgroup.procs=" + FAKE_BROKER_PID)))
                    .hasSize(moves);
            assertThat(own().resolve("broker/broker")).doesNotExist();
        }

        @Test
        void launchWritesTheLimitsAndTheTaskStartsInsideItsCgroup() throws Exception { // SPEC X1
            FakeKernel kernel = recordHost("memory pids", Set.of());
            CgroupSandbox sandbox = open(kernel);
            SandboxedProcess p = launch(sandbox, limits(64L << 20, 64), "/bin/sleep", "30");
            Path task = own().resolve("bgtasks/instances").resolve(CgroupSandbox.taskName(lastToken));

            assertThat(Files.readString(task.resolve("memory.max"))).isEqualTo(Long.toString(64L << 20));
            assertThat(Files.readString(task.resolve("memory.swap.max"))).isEqualTo("0");
            assertThat(Files.readString(task.resolve("memory.oom.group"))).isEqualTo("1");
            assertThat(Files.readString(task.resolve("pids.max"))).isEqualTo("64");
            // The supervisor (SPEC B5) and its child, the command, whose pid is the task's.
            long supervisor = ProcessHandle.of(p.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
            assertThat(CgroupParsers.pids(kernel.read(task.resolve("cgroup.procs"))))
                    .containsExactly(supervisor, p.pid());
            assertThat(sandbox.taskCgroupsOf(p.pid())).containsExactly(task);
            assertThat(kernel.writes()).containsSubsequence(rel(task.resolve("memory.swap.max")) + "=0",
                    rel(task.resolve("memory.max")) + "=" + (64L << 20));

            Files.writeString(task.resolve("memory.current"), "1048576\n");
            Files.writeString(task.resolve("memory.peak"), "2097152\n");
            Files.writeString(task.resolve("pids.current"), "1\n");
            Files.writeString(task.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
            assertThat(p.usage().memoryBytes()).isEqualTo(1048576);
            assertThat(p.usage().peakMemoryBytes()).isEqualTo(2097152);
            assertThat(p.usage().processCount()).isEqualTo(1);
            assertThat(p.usage().cpuTime()).isEqualTo(Duration.ofNanos(1_500_000));

            p.kill();
            assertThat(kernel.writes()).contains(rel(task.resolve("cgroup.kill")) + "=1");
            ExitStatus status = p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
            assertThat(status.exitCode()).isEqualTo(128 + 9);
            assertThat(task).doesNotExist();
        }

        @Test
        void aTaskThatDoesNotShowUpInItsCgroupIsKilledAndTheLaunchFails() throws Exception { // SPEC X1
            FakeKernel kernel = recordHost("memory pids", Set.of());
            CgroupSandbox sandbox = open(kernel);
            kernel.hideMembership = true;
            assertThatThrownBy(() -> launch(sandbox, limits(64L << 20, 64), "/bin/sh", "-c",
                    "exec sleep 30.25"))
                    .isInstanceOf(IOException.class).hasMessageContaining("did not join its task cgroup")
                    .hasMessageContaining("0::/elsewhere");
            // The command may be killed before or after its exec: either way nothing of it runs on.
            assertThat(CgroupTask.waitUntil(() -> ProcessHandle.current().descendants().noneMatch(
                    h -> h.info().commandLine().orElse("").contains("30.25")), WAIT)).isTrue();
            assertThat(kernel.children(own().resolve("bgtasks/instances"))).isEmpty();
        }

        @Test
        void noMemoryLimitLeavesMemoryMaxAtMaxButPidsMaxAlwaysGetsTheDefault() throws Exception { // SPEC X12
            FakeKernel kernel = recordHost("memory pids", Set.of());
            CgroupSandbox sandbox = open(kernel);
            SandboxedProcess p = launch(sandbox, ResourceLimits.defaults(), "/bin/sleep", "30");
            Path task = own().resolve("bgtasks/instances").resolve(CgroupSandbox.taskName(lastToken));
            assertThat(Files.readString(task.resolve("memory.max"))).isEqualTo("max");
            assertThat(Files.readString(task.resolve("memory.swap.max"))).isEqualTo("max\n");
            assertThat(Files.readString(task.resolve("pids.max"))).isEqualTo("512");
            p.kill();
            p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Test
        void anOomKillInMemoryEventsEndsTheTaskAsOutOfMemoryWithTheKernelsPeak() throws Exception { // SPEC X10
            FakeKernel kernel = recordHost("memory pids", Set.of());
            CgroupSandbox sandbox = open(kernel);
            SandboxedProcess p = launch(sandbox, limits(64L << 20, 64), "/bin/sleep", "30");
            Path task = own().resolve("bgtasks/instances").resolve(CgroupSandbox.taskName(lastToken));
            // What the kernel does at the limit: counts the kill, remembers the peak, kills the group.
            Files.writeString(task.resolve("memory.events"),
                    "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 1\n");
            Files.writeString(task.resolve("memory.peak"), (64L << 20) + "\n");
            kernel.write(task.resolve("cgroup.kill"), "1");

            ExitStatus status = p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
            assertThat(status.peakMemoryBytes()).isEqualTo(64L << 20);
            assertThat(task).doesNotExist();
        }

        @Test
        void aRefusedForkOfAFailedTaskIsTheProcessLimit() throws Exception { // SPEC X12
            FakeKernel kernel = recordHost("memory pids", Set.of());
            CgroupSandbox sandbox = open(kernel);
            Path flag = root.resolve("go");
            SandboxedProcess p = launch(sandbox, limits(64L << 20, 4), "/bin/sh", "-c",
                    "while [ ! -e \"$0\" ]; do sleep 0.01; done; exit 2", flag.toString());
            Path task = own().resolve("bgtasks/instances").resolve(CgroupSandbox.taskName(lastToken));
            Files.writeString(task.resolve("pids.events"), "max 3\n");
            Files.createFile(flag);
            ExitStatus status = p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status).isEqualTo(new ExitStatus(2, ExitStatus.Reason.PROCESS_LIMIT, 0));
        }

        @Test
        void aPlainExitIsExitedWithItsCodeAndTheCgroupIsRemoved() throws Exception {
            FakeKernel kernel = recordHost("memory pids", Set.of());
            CgroupSandbox sandbox = open(kernel);
            SandboxedProcess p = launch(sandbox, limits(64L << 20, 64), "/bin/sh", "-c", "exit 3");
            ExitStatus status = p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.exitCode()).isEqualTo(3);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
            assertThat(kernel.children(own().resolve("bgtasks/instances"))).isEmpty();
            sandbox.close();
            assertThat(own().resolve("bgtasks")).doesNotExist();
            assertThat(own().resolve("broker")).exists();
        }

        @Test
        void beforeCgroupKillAndMemoryPeakTheTaskIsFrozenAndKilledAndThePeakSampled() throws Exception {
            FakeKernel kernel = recordHost("memory pids", Set.of("cgroup.kill", "memory.peak"));
            CgroupSandbox sandbox = open(kernel);
            assertThat(sandbox.describe()).contains("cgroup.freeze").contains("highest memory.current sampled");
            SandboxedProcess p = launch(sandbox, limits(64L << 20, 64), "/bin/sleep", "30");
            Path task = own().resolve("bgtasks/instances").resolve(CgroupSandbox.taskName(lastToken));
            Files.writeString(task.resolve("memory.current"), "5000000\n");
            assertThat(p.usage().peakMemoryBytes()).isEqualTo(5000000);
            Files.writeString(task.resolve("memory.current"), "1000\n");

            p.kill();
            assertThat(kernel.writes()).containsSubsequence(rel(task.resolve("cgroup.freeze")) + "=1",
                    rel(task.resolve("cgroup.freeze")) + "=0");
            ExitStatus status = p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
            assertThat(status.peakMemoryBytes()).isEqualTo(5000000);
        }

        @Test
        void emptyLeftoversOfACrashedBrokerAreRemovedBusyAndFreshOnesKept() throws Exception { // SPEC B3
            FakeKernel kernel = recordHost("memory pids", Set.of());
            open(kernel);
            Path tasks = own().resolve("bgtasks/instances");
            kernel.mkdir(tasks.resolve("told"));
            kernel.mkdir(tasks.resolve("tbusy"));
            kernel.mkdir(tasks.resolve("tfresh"));
            Files.writeString(tasks.resolve("tbusy/cgroup.procs"), ProcessHandle.current().pid() + "\n");
            FileTime old = FileTime.from(Instant.now().minus(Duration.ofMinutes(5)));
            Files.setLastModifiedTime(tasks.resolve("told"), old);
            Files.setLastModifiedTime(tasks.resolve("tbusy"), old);

            open(kernel);
            assertThat(tasks.resolve("told")).doesNotExist();
            assertThat(tasks.resolve("tbusy")).exists();
            assertThat(tasks.resolve("tfresh")).exists();
            Files.writeString(tasks.resolve("tbusy/cgroup.procs"), "");
        }

        @Test
        void controllersNotDelegatedNameWhatIsMissing() throws Exception { // SPEC R9
            FakeKernel kernel = recordHost("cpu io", Set.of());
            assertThatThrownBy(() -> open(kernel)).isInstanceOf(CgroupUnavailableException.class)
                    .hasMessageContaining("cgroup2 " + own())
                    .hasMessageContaining("memory, pids not available")
                    .hasMessageContaining("cgroup1: no memory or pids hierarchy");
            assertThat(own().resolve("bgtasks")).doesNotExist();
            assertThat(own().resolve("broker")).doesNotExist();
        }

        @Test
        void anotherProcessInTheOwnCgroupIsNamedWhenControllersCannotBeEnabled() throws Exception {
            FakeKernel kernel = recordHost("memory pids", Set.of());
            long other = ProcessHandle.current().pid();
            Files.writeString(own().resolve("cgroup.procs"), FAKE_BROKER_PID + "\n" + other + "\n");
            assertThatThrownBy(() -> open(kernel)).isInstanceOf(CgroupUnavailableException.class)
                    .hasMessageContaining("still holds processes [" + other + "]");
        }

        @Test
        void aNonWritableCgroupSaysSo() throws Exception {
            FakeKernel kernel = recordHost("memory pids", Set.of());
            kernel.denyMkdir(own().resolve("bgtasks"));
            assertThatThrownBy(() -> open(kernel)).isInstanceOf(CgroupUnavailableException.class)
                    .hasMessageContaining("cannot create " + own().resolve("bgtasks/instances"))
                    .hasMessageContaining("AccessDeniedException");
        }
    }

    // ---- cgroup v1 ----

    @Nested
    class V1 {
        private Path mount(String controller) {
            return root.resolve("sys/fs/cgroup").resolve(controller);
        }

        private Path own(String controller) {
            return controller.equals("memory") ? root.resolve("sys/fs/cgroup/memory" + OWN_V1_MEMORY)
                    : mount(controller);
        }

        private FakeKernel recordHost() throws IOException {
            Map<Path, String> mounts = new LinkedHashMap<>();
            for (String c : List.of("memory", "pids", "freezer", "cpuacct")) {
                mounts.put(mount(c), c);
                Files.createDirectories(own(c));
                Files.writeString(own(c).resolve("cgroup.procs"), FAKE_BROKER_PID + "\n");
            }
            Path unified = mount("unified");
            mounts.put(unified, "v2");
            Files.createDirectories(unified);
            Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
            Files.writeString(unified.resolve("cgroup.subtree_control"), "");
            Files.writeString(own("memory").resolve("memory.limit_in_bytes"), "9223372036854771712\n");
            return new FakeKernel(mounts, Set.of());
        }

        private CgroupSandbox open(FakeKernel kernel) throws CgroupUnavailableException {
            CgroupSandbox sandbox = CgroupSandbox.open(new CgroupEnvironment(root,
                    CgroupParsersTest.fixture("proc-self-cgroup-v1.txt"), CgroupParsersTest.fixture("mountinfo-v1.txt"),
                    FAKE_BROKER_PID, kernel));
            sandboxes.add(sandbox);
            return sandbox;
        }

        private Path task(String controller) {
            return own(controller).resolve("bgtasks/instances").resolve(CgroupSandbox.taskName(lastToken));
        }

        @Test
        void withoutCgroup2MemoryTheV1HierarchiesAreUsed() throws Exception {
            FakeKernel kernel = recordHost();
            CgroupSandbox sandbox = open(kernel);
            assertThat(sandbox.mechanism()).isEqualTo("cgroup1 memory+pids");
            assertThat(sandbox.capabilities().memoryMechanism()).startsWith("cgroup1 memory.limit_in_bytes");
            assertThat(sandbox.capabilities().processMechanism()).isEqualTo("cgroup1 pids.max");
            assertThat(sandbox.describe()).startsWith("cgroup1 memory+pids").contains("freezer.state FROZEN");
            assertThat(sandbox.taskRoots()).containsExactly(own("memory").resolve("bgtasks/instances"),
                    own("pids").resolve("bgtasks/instances"), own("freezer").resolve("bgtasks/instances"),
                    own("cpuacct").resolve("bgtasks/instances"));
            assertThat(sandbox.brokerCgroups()).contains(own("memory"), own("pids"));
            // Nothing was written to a cgroup2 file or to the broker's own cgroups.
            assertThat(kernel.writes()).isEmpty();
            assertThat(mount("unified").resolve("bgtasks")).doesNotExist();
        }

        @Test
        void anotherBrokersFreshTaskInTheSharedHierarchiesIsKeptAnOldEmptyOneRemoved() throws Exception {
            // pids, freezer and cpuacct are mounted at the root here, so every broker of the host makes its task
            // cgroups in the same bgtasks/instances there; our memory hierarchy is our own. Another broker's task,
            // between mkdir and joining, exists only in the shared ones, and must survive our start.
            FakeKernel kernel = recordHost();
            open(kernel);
            List<String> shared = List.of("pids", "freezer", "cpuacct");
            for (String controller : shared) {
                kernel.mkdir(own(controller).resolve("bgtasks/instances/tothersfresh"));
                kernel.mkdir(own(controller).resolve("bgtasks/instances/tothersold"));
                Files.setLastModifiedTime(own(controller).resolve("bgtasks/instances/tothersold"),
                        FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
            }

            open(kernel);
            for (String controller : shared) {
                assertThat(own(controller).resolve("bgtasks/instances/tothersfresh")).as(controller).exists();
                assertThat(own(controller).resolve("bgtasks/instances/tothersold")).as(controller).doesNotExist();
            }
        }

        @Test
        void launchLimitsEveryHierarchyAndKillFreezesKillsThaws() throws Exception { // SPEC X1, X13
            FakeKernel kernel = recordHost();
            CgroupSandbox sandbox = open(kernel);
            SandboxedProcess p = launch(sandbox, limits(64L << 20, 64), "/bin/sleep", "30");

            assertThat(Files.readString(task("memory").resolve("memory.limit_in_bytes"))).isEqualTo("67108864");
            assertThat(Files.readString(task("memory").resolve("memory.memsw.limit_in_bytes"))).isEqualTo("67108864");
            assertThat(Files.readString(task("pids").resolve("pids.max"))).isEqualTo("64");
            // memsw >= limit at every moment: lowering from unlimited sets the limit first.
            assertThat(kernel.writes()).containsSubsequence(
                    rel(task("memory").resolve("memory.limit_in_bytes")) + "=67108864",
                    rel(task("memory").resolve("memory.memsw.limit_in_bytes")) + "=67108864");
            // The supervisor (SPEC B5) and its child, the command, whose pid is the task's.
            long supervisor = ProcessHandle.of(p.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
            for (String c : List.of("memory", "pids", "freezer", "cpuacct")) {
                assertThat(CgroupParsers.pids(kernel.read(task(c).resolve("cgroup.procs"))))
                        .containsExactly(supervisor, p.pid());
            }
            assertThat(sandbox.taskCgroupsOf(p.pid())).hasSize(4);

            p.kill();
            assertThat(kernel.writes()).containsSubsequence(rel(task("freezer").resolve("freezer.state")) + "=FROZEN",
                    rel(task("freezer").resolve("freezer.state")) + "=THAWED");
            ExitStatus status = p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
            for (String c : List.of("memory", "pids", "freezer", "cpuacct")) {
                assertThat(task(c)).doesNotExist();
            }
        }

        @Test
        void anOomKillOfOneProcessEndsTheWholeTaskAsOutOfMemory() throws Exception { // SPEC X10
            FakeKernel kernel = recordHost();
            CgroupSandbox sandbox = open(kernel);
            SandboxedProcess p = launch(sandbox, limits(64L << 20, 64), "/bin/sleep", "30");
            // v1's OOM killer takes one process and counts it; the sandbox takes the rest of the tree.
            Files.writeString(task("memory").resolve("memory.max_usage_in_bytes"), "67104768\n");
            Files.writeString(task("memory").resolve("memory.oom_control"),
                    "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");

            ExitStatus status = p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
            assertThat(status.peakMemoryBytes()).isEqualTo(67104768);
        }

        @Test
        void aMemoryHierarchyThatIsNotWritableIsNamed() throws Exception { // SPEC R9
            FakeKernel kernel = recordHost();
            kernel.denyMkdir(own("memory").resolve("bgtasks"));
            assertThatThrownBy(() -> open(kernel)).isInstanceOf(CgroupUnavailableException.class)
                    .hasMessageContaining("cgroup2 " + mount("unified") + ": controller(s) memory, pids not available")
                    .hasMessageContaining("cgroup1: memory: cannot create "
                            + own("memory").resolve("bgtasks/instances"));
        }
    }

    // ---- helpers ----

    private String lastToken;

    private static ResourceLimits limits(long memory, int processes) {
        return ResourceLimits.builder().memoryBytes(memory).maxProcesses(processes).build();
    }

    private SandboxedProcess launch(CgroupSandbox sandbox, ResourceLimits limits, String... command)
            throws IOException {
        lastToken = UUID.randomUUID().toString();
        LaunchSpec spec = new LaunchSpec(List.of(command), Map.of(RunToken.ENVIRONMENT_VARIABLE, lastToken),
                root, root.resolve("logs/task.log"), lastToken);
        SandboxedProcess p = sandbox.launch(spec, limits);
        started.add(p);
        return p;
    }

    private String rel(Path p) {
        return root.relativize(p).toString();
    }

    /**
     * Plays the kernel's part over plain files: new cgroup directories get the recorded files of their hierarchy
     * (cgroup2: those of the controllers the parent enabled), writes are logged, {@code cgroup.subtree_control}
     * merges, {@code cgroup.kill} and the freezer act, {@code cgroup.procs} lists live processes only, and
     * {@code /proc/<pid>/cgroup} is answered from where the pid was written.
     */
    static final class FakeKernel extends CgroupFs {
        private final Map<Path, String> mounts;
        private final Set<String> missingFiles;
        private final List<String> writes = Collections.synchronizedList(new ArrayList<>());
        private final Set<Path> denied = new LinkedHashSet<>();
        /** Answers every /proc/<pid>/cgroup with a cgroup not ours, as a broken wrapper would leave it. */
        volatile boolean hideMembership;
        private Path logRoot;

        FakeKernel(Map<Path, String> mounts, Set<String> missingFiles) {
            this.mounts = Map.copyOf(mounts);
            this.missingFiles = Set.copyOf(missingFiles);
        }

        List<String> writes() {
            synchronized (writes) {
                return List.copyOf(writes);
            }
        }

        void denyMkdir(Path dir) {
            denied.add(dir);
        }

        private Path root() {
            if (logRoot == null) {
                // mounts are <root>/sys/fs/cgroup[/<controller>]
                Path any = mounts.keySet().iterator().next();
                Path r = any;
                while (r != null && !r.endsWith("sys")) {
                    r = r.getParent();
                }
                logRoot = r.getParent();
            }
            return logRoot;
        }

        private Map.Entry<Path, String> mountOf(Path p) {
            return mounts.entrySet().stream().filter(e -> p.startsWith(e.getKey()))
                    .max((a, b) -> Integer.compare(a.getKey().getNameCount(), b.getKey().getNameCount()))
                    .orElseThrow(() -> new IllegalStateException(p + " is in no recorded mount"));
        }

        @Override
        void write(Path file, String value) throws IOException {
            writes.add(root().relativize(file) + "=" + value);
            String name = file.getFileName().toString();
            switch (name) {
                case "cgroup.subtree_control" -> {
                    Set<String> enabled = new LinkedHashSet<>(CgroupParsers.controllers(Files.readString(file)));
                    for (String op : value.trim().split("\\s+")) {
                        if (op.startsWith("+")) {
                            enabled.add(op.substring(1));
                        } else if (op.startsWith("-")) {
                            enabled.remove(op.substring(1));
                        }
                    }
                    Path dir = file.getParent();
                    if (!dir.equals(mountOf(dir).getKey()) && !live(dir.resolve("cgroup.procs")).isEmpty()) {
                        throw new IOException(file + ": Device or resource busy");
                    }
                    super.write(file, String.join(" ", enabled) + "\n");
                }
                case "cgroup.procs" -> {
                    // A move: out of every other cgroup of the hierarchy, into this one.
                    long pid = Long.parseLong(value.trim());
                    try (Stream<Path> all = Files.walk(mountOf(file).getKey())) {
                        for (Path procs : all.filter(p -> p.getFileName().toString().equals("cgroup.procs"))
                                .toList()) {
                            List<Long> pids = new ArrayList<>(CgroupParsers.pids(Files.readString(procs)));
                            if (pids.remove(pid)) {
                                Files.writeString(procs, join(pids));
                            }
                        }
                    }
                    Files.writeString(file, join(List.of(pid)));
                }
                case "cgroup.kill" -> CgroupTask.killPids(Set.copyOf(live(file.resolveSibling("cgroup.procs"))));
                case "cgroup.freeze" -> Files.writeString(file.resolveSibling("cgroup.events"),
                        "populated 1\nfrozen " + value.trim() + "\n");
                default -> super.write(file, value);
            }
        }

        private static String join(List<Long> pids) {
            return pids.stream().map(p -> p + "\n").collect(Collectors.joining());
        }

        @Override
        String read(Path file) throws IOException {
            if (file.getFileName().toString().equals("cgroup.procs")) {
                return join(live(file));
            }
            Path dir = file.getParent();
            if (file.getFileName().toString().equals("cgroup.controllers") && mountOf(dir).getValue().equals("v2")
                    && !dir.equals(mountOf(dir).getKey()) && Files.exists(dir.resolveSibling("cgroup.subtree_control"))
                    && Files.exists(file)) {
                // What a child may use is what its parent enables, now.
                return super.read(dir.resolveSibling("cgroup.subtree_control"));
            }
            return super.read(file);
        }

        /** The live processes written to a cgroup, and their live descendants: a child is born in its parent's. */
        private List<Long> live(Path procs) throws IOException {
            if (!Files.exists(procs)) {
                throw new java.nio.file.NoSuchFileException(procs.toString());
            }
            Set<Long> members = new LinkedHashSet<>();
            for (long pid : CgroupParsers.pids(Files.readString(procs))) {
                if (alive(pid)) {
                    members.add(pid);
                    ProcessHandle.of(pid).ifPresent(h -> h.descendants().map(ProcessHandle::pid)
                            .filter(FakeKernel::alive).forEach(members::add));
                }
            }
            return List.copyOf(members);
        }

        static boolean alive(long pid) {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return false;
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                return state != 'Z' && state != 'X';
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        @Override
        boolean mkdir(Path dir) throws IOException {
            for (Path d : denied) {
                if (dir.startsWith(d)) {
                    throw new AccessDeniedException(dir.toString());
                }
            }
            boolean made = super.mkdir(dir);
            if (made) {
                populate(dir);
            }
            return made;
        }

        private void populate(Path dir) throws IOException {
            String kind = mountOf(dir).getValue();
            Path recorded = fixtureDir(kind.equals("v2") ? "v2-task" : "v1-" + kind + "-task");
            Set<String> enabled = kind.equals("v2") && Files.exists(dir.resolveSibling("cgroup.subtree_control"))
                    ? CgroupParsers.controllers(Files.readString(dir.resolveSibling("cgroup.subtree_control")))
                    : Set.of();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(recorded)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    String controller = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
                    boolean core = controller.equals("cgroup") || name.equals("cpu.stat") || name.endsWith(".pressure");
                    if (missingFiles.contains(name) || kind.equals("v2") && !core && !enabled.contains(controller)) {
                        continue;
                    }
                    Files.copy(f, dir.resolve(name));
                }
            }
            if (kind.equals("v2")) {
                Files.writeString(dir.resolve("cgroup.controllers"), String.join(" ", enabled) + "\n");
            }
        }

        private static Path fixtureDir(String name) {
            try {
                return Path.of(CgroupSandboxTreeTest.class.getResource("/cgroup/" + name).toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        void rmdir(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                throw new java.nio.file.NoSuchFileException(dir.toString());
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.anyMatch(Files::isDirectory)) {
                    throw new DirectoryNotEmptyException(dir.toString());
                }
            }
            if (Files.exists(dir.resolve("cgroup.procs")) && !live(dir.resolve("cgroup.procs")).isEmpty()) {
                throw new IOException(dir + ": Device or resource busy");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path f : entries.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }

        @Override
        Optional<String> procCgroup(long pid) {
            if (!alive(pid)) {
                return Optional.empty();
            }
            if (hideMembership) {
                return Optional.of("0::/elsewhere\n");
            }
            StringBuilder out = new StringBuilder();
            int id = mounts.size();
            for (Map.Entry<Path, String> mount : mounts.entrySet()) {
                String path = "/" + deepestHolding(mount.getKey(), pid)
                        .map(p -> mount.getKey().relativize(p).toString()).orElse("");
                if (mount.getValue().equals("v2")) {
                    out.append("0::").append(path).append('\n');
                } else {
                    out.append(id--).append(':').append(mount.getValue()).append(':').append(path).append('\n');
                }
            }
            return Optional.of(out.toString());
        }

        private Optional<Path> deepestHolding(Path mount, long pid) {
            try (Stream<Path> all = Files.walk(mount)) {
                return all.filter(p -> p.getFileName().toString().equals("cgroup.procs"))
                        .filter(p -> {
                            try {
                                return live(p).contains(pid);
                            } catch (IOException e) {
                                return false;
                            }
                        })
                        .map(Path::getParent)
                        .max((a, b) -> Integer.compare(a.getNameCount(), b.getNameCount()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

    }
}
