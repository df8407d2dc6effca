package dev.bgtasks.nativetests.linux;

import static dev.bgtasks.nativetests.linux.CgroupNative.exitOf;
import static dev.bgtasks.nativetests.linux.CgroupNative.gone;
import static dev.bgtasks.nativetests.linux.CgroupNative.limits;
import static dev.bgtasks.nativetests.linux.CgroupNative.mib;
import static dev.bgtasks.nativetests.linux.CgroupNative.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.linux.cgroup.CgroupSandbox;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.SandboxedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that dies leaves its tasks running in their cgroups (SPEC B3): a new sandbox re-adopts a task by its run
 * token and cgroup, kills an orphan's whole cgroup, and removes empty task cgroups at start.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CgroupReadoptNativeTest {
    @TempDir
    Path dir;

    private CgroupNative rig;
    private final List<Path> made = new ArrayList<>();

    @BeforeEach
    void setUp() {
        rig = new CgroupNative(dir);
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            rig.cleanUp();
        } finally {
            for (Path p : made) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The first broker starts a task, then "dies": it stops watching, the task runs on in its cgroup. */
    private CgroupNative.Launched startThenLoseBroker(List<String> command) throws Exception {
        CgroupSandbox first = rig.open();
        CgroupNative.Launched task = rig.launch(first, limits(mib(64), 16), command);
        rig.closeAsIfDead(first);
        return task;
    }

    @Test
    void aNewSandboxReadoptsALiveTaskAndSeesItsExitThroughAPidfd() throws Exception { // SPEC B3
        CgroupNative.Launched task = startThenLoseBroker(List.of("/bin/sleep", "30"));
        long pid = task.process().pid();
        CgroupSandbox second = rig.open();
        assertThat(second.canReadopt()).isTrue();
        assertThat(second.adopt(pid, "not-the-token", limits(mib(64), 16))).isEmpty();
        Optional<SandboxedProcess> adopted = second.adopt(pid, task.token(), limits(mib(64), 16));
        assertThat(adopted).isPresent();
        List<Path> cgroups = second.taskCgroupsOf(pid);
        assertThat(cgroups).isNotEmpty();
        assertThat(adopted.get().onExit()).isNotDone();

        // It ends on its own (here: killed from outside) and the watch sees it (exitOf waits with a deadline).
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ExitStatus status = exitOf(adopted.get());
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXIT_CODE_UNKNOWN);
        assertThat(cgroups).allMatch(d -> !Files.exists(d));
    }

    @Test
    void killOrphanKillsTheWholeTaskCgroupAndRemovesIt() throws Exception { // SPEC B3, X13
        CgroupNative.Launched task = startThenLoseBroker(List.of("/bin/sh", "-c",
                "/bin/sh -c 'setsid sleep 300 &'; exec sleep 300"));
        long pid = task.process().pid();
        CgroupSandbox second = rig.open();
        List<Path> cgroups = second.taskCgroupsOf(pid);
        assertThat(cgroups).isNotEmpty();
        Path procs = cgroups.get(0).resolve("cgroup.procs");
        // Its supervisor (SPEC B5), the command, and the grandchild that left the session.
        assertThat(waitUntil(() -> lines(procs) == 3, Duration.ofSeconds(5))).isTrue();
        List<Long> members = Files.readAllLines(procs).stream().map(l -> Long.parseLong(l.trim())).toList();
        members.forEach(rig::stray);

        assertThat(second.killOrphan(pid, "not-the-token")).isFalse();
        assertThat(gone(pid)).isFalse();
        assertThat(second.killOrphan(pid, task.token())).isTrue();
        assertThat(waitUntil(() -> members.stream().allMatch(CgroupNative::gone), Duration.ofSeconds(2))).isTrue();
        assertThat(cgroups).allMatch(d -> !Files.exists(d));
        assertThat(second.killOrphan(pid, task.token())).isFalse();
    }

    private static int lines(Path procs) {
        try {
            return Files.readAllLines(procs).size();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void emptyLeftoversAreRemovedAtStartLiveOnesKeptForReadoption() throws Exception { // SPEC B3
        CgroupNative.Launched live = startThenLoseBroker(List.of("/bin/sleep", "30"));
        CgroupSandbox probe = rig.open();
        List<Path> liveCgroups = probe.taskCgroupsOf(live.process().pid());
        // What a crashed broker leaves when its task ended while nobody watched: an empty task cgroup.
        List<Path> leftovers = new ArrayList<>();
        String name = "t" + Long.toHexString(System.nanoTime()) + "leftover";
        for (Path root : probe.taskRoots()) {
            Path leftover = Files.createDirectory(root.resolve(name));
            Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
            leftovers.add(leftover);
        }
        for (Path cgroup : liveCgroups) {
            Files.setLastModifiedTime(cgroup, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        }
        made.addAll(leftovers);

        CgroupSandbox second = rig.open();
        assertThat(leftovers).allMatch(d -> !Files.exists(d));
        assertThat(liveCgroups).allMatch(Files::exists);
        assertThat(second.killOrphan(live.process().pid(), live.token())).isTrue();
        assertThat(liveCgroups).allMatch(d -> !Files.exists(d));
    }
}
