package dev.bgtasks.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.ExitStatus.Reason;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.spi.TaskSupervisor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** How a task's end is named, the join wrapper, task names and the run-token check. */
class CgroupProcessTest {
    @Test
    void anOomKillWinsOverEverything() { // SPEC X10
        assertThat(CgroupProcess.reasonOf(137, 1, 0, false)).isEqualTo(Reason.OUT_OF_MEMORY);
        assertThat(CgroupProcess.reasonOf(0, 2, 5, true)).isEqualTo(Reason.OUT_OF_MEMORY);
        assertThat(CgroupProcess.reasonOf(null, 1, 0, false)).isEqualTo(Reason.OUT_OF_MEMORY);
    }

    @Test
    void aRefusedForkCountsOnlyWhenTheTaskFailed() { // SPEC X12
        assertThat(CgroupProcess.reasonOf(1, 0, 3, false)).isEqualTo(Reason.PROCESS_LIMIT);
        assertThat(CgroupProcess.reasonOf(0, 0, 3, true)).isEqualTo(Reason.PROCESS_LIMIT);
        assertThat(CgroupProcess.reasonOf(null, 0, 3, false)).isEqualTo(Reason.PROCESS_LIMIT);
        assertThat(CgroupProcess.reasonOf(0, 0, 3, false)).isEqualTo(Reason.EXITED);
    }

    @Test
    void otherwiseTheExitCodeDecides() {
        assertThat(CgroupProcess.reasonOf(0, 0, 0, false)).isEqualTo(Reason.EXITED);
        assertThat(CgroupProcess.reasonOf(3, 0, 0, false)).isEqualTo(Reason.EXITED);
        assertThat(CgroupProcess.reasonOf(128 + 9, 0, 0, true)).isEqualTo(Reason.SIGNALED);
        assertThat(CgroupProcess.reasonOf(128 + 15, 0, 0, false)).isEqualTo(Reason.SIGNALED);
        assertThat(CgroupProcess.reasonOf(null, 0, 0, false)).isEqualTo(Reason.EXIT_CODE_UNKNOWN);
    }

    @Test
    void theWrapperPassesFilesAndCommandAsPositionalParameters() { // SPEC S3, B5
        List<String> command = CgroupSandbox.wrapperCommand(List.of(Path.of("/cg/memory/t/cgroup.procs"),
                Path.of("/cg/pids/t/cgroup.procs")), Path.of("/data/runs/i.exit"), new TaskSupervisor.Counters(
                Path.of("/cg/memory/t/memory.max_usage_in_bytes"), Path.of("/cg/memory/t/memory.oom_control"),
                Path.of("/cg/pids/t/pids.events")), List.of("prog", "a b", "$(x)"));
        assertThat(command.subList(0, 2)).containsExactly("/bin/sh", "-c");
        assertThat(command.get(2)).startsWith("echo $$ > \"$1\" && echo $$ > \"$2\" && shift 2 || exit\n")
                .contains("\n\"$@\"\n").doesNotContain("prog").doesNotContain("/cg/");
        assertThat(command.subList(3, command.size())).containsExactly("bgtasks-task",
                "/cg/memory/t/cgroup.procs", "/cg/pids/t/cgroup.procs", "/data/runs/i.exit",
                "/cg/memory/t/memory.max_usage_in_bytes", "/cg/memory/t/memory.oom_control",
                "/cg/pids/t/pids.events", "prog", "a b", "$(x)");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theSupervisorJoinsThenRunsTheCommandAsItsChildWithTheArgumentsUntouched(@TempDir Path dir)
            throws Exception { // SPEC X1, S3, B5
        Path procs1 = Files.createFile(dir.resolve("procs1"));
        Path procs2 = Files.createFile(dir.resolve("procs2"));
        Path marker = dir.resolve("marker");
        List<String> task = new ArrayList<>(List.of("/bin/sh", "-c",
                "printf '%s|' \"$PPID\" \"$@\" > \"$0\"; exit 5",
                marker.toString(), "a b", "$(touch " + dir.resolve("pwned") + ")", "*", "it's"));
        Path exit = dir.resolve("i.exit");
        Process p = new ProcessBuilder(CgroupSandbox.wrapperCommand(List.of(procs1, procs2), exit,
                TaskSupervisor.Counters.NONE, task)).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(5);
        String pid = Long.toString(p.pid());
        assertThat(Files.readString(procs1).trim()).isEqualTo(pid);
        assertThat(Files.readString(procs2).trim()).isEqualTo(pid);
        // The command is the supervisor's child (born in its cgroups), arguments passed as data.
        assertThat(Files.readString(marker, StandardCharsets.UTF_8))
                .isEqualTo(pid + "|a b|$(touch " + dir.resolve("pwned") + ")|*|it's|");
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(TaskEndRecords.readExit(exit).map(TaskEndRecords.Exit::exitCode)).contains(5);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aFailedJoinStopsTheWrapperBeforeTheTaskRuns(@TempDir Path dir) throws Exception { // SPEC X1
        Path marker = dir.resolve("ran");
        Process p = new ProcessBuilder(CgroupSandbox.wrapperCommand(List.of(dir.resolve("missing/cgroup.procs")),
                dir.resolve("i.exit"), TaskSupervisor.Counters.NONE, List.of("/usr/bin/touch", marker.toString())))
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(marker).doesNotExist();
        assertThat(dir.resolve("i.exit")).doesNotExist();
    }

    @Test
    void theParentPidIsReadPastAnyCommandName() { // SPEC B6
        assertThat(CgroupParsers.parentPid("4242 (sleep) S 4241 4242 4200 0 -1")).hasValue(4241);
        assertThat(CgroupParsers.parentPid("17 (a) b) (c) R 9 17 17 0")).hasValue(9);
        assertThat(CgroupParsers.parentPid("garbage")).isEmpty();
    }

    @Test
    void anExitingZombieOrDeadProcessIsNotRunningWhateverItsName() { // SPEC X1: their /proc/<pid>/cgroup is the root's
        assertThat(CgroupParsers.running("4242 (sleep) S 4241 4242 4200 0 -1 4194304 110 0")).isTrue();
        assertThat(CgroupParsers.running("4242 (a) Z) R 4241 4242 4200 0 -1 4194560 110 0")).isTrue();
        // PF_EXITING (0x4) set: the process has begun to exit, still in state R.
        assertThat(CgroupParsers.running("4242 (true) R 4241 4242 4200 0 -1 4194564 110 0")).isFalse();
        assertThat(CgroupParsers.running("4242 (true) Z 4241 4242 4200 0 -1 4194304 110 0")).isFalse();
        assertThat(CgroupParsers.running("4242 (true) X 4241 4242 4200 0 -1 4194304 110 0")).isFalse();
        assertThat(CgroupParsers.running("4242 (true) S 4241")).isFalse();
        assertThat(CgroupParsers.running("garbage")).isFalse();
    }

    @Test
    void taskNamesAreStableHashesThatNeverShowTheToken() {
        String name = CgroupSandbox.taskName("secret-token");
        assertThat(name).matches("t[0-9a-f]{32}").doesNotContain("secret");
        assertThat(CgroupSandbox.taskName("secret-token")).isEqualTo(name);
        assertThat(CgroupSandbox.taskName("other-token")).isNotEqualTo(name);
    }

    @Test
    void theRunTokenMustBeAWholeEnvironmentEntry() {
        byte[] env = "A=1\0BGTASKS_RUN_TOKEN=abc\0B=2".getBytes(StandardCharsets.UTF_8);
        assertThat(RunToken.hasEntry(env, "BGTASKS_RUN_TOKEN=abc")).isTrue();
        assertThat(RunToken.hasEntry(env, "BGTASKS_RUN_TOKEN=ab")).isFalse();
        assertThat(RunToken.hasEntry("XBGTASKS_RUN_TOKEN=abc".getBytes(StandardCharsets.UTF_8),
                "BGTASKS_RUN_TOKEN=abc")).isFalse();
        assertThat(RunToken.hasEntry("BGTASKS_RUN_TOKEN=abcd".getBytes(StandardCharsets.UTF_8),
                "BGTASKS_RUN_TOKEN=abc")).isFalse();
        assertThat(RunToken.hasEntry(new byte[0], "BGTASKS_RUN_TOKEN=abc")).isFalse();
    }
}
