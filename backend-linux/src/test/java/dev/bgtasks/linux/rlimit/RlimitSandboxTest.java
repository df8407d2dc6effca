package dev.bgtasks.linux.rlimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The rlimit fallback: what it claims, the wrapper, and that the limit holds in a real process. */
class RlimitSandboxTest {
    @TempDir
    Path dir;

    @Test
    void itClaimsBestEffortMemoryAndNoProcessLimit() { // SPEC R9
        RlimitSandbox sandbox = new RlimitSandbox();
        assertThat(sandbox.capabilities().memory()).isEqualTo(Enforcement.BEST_EFFORT);
        assertThat(sandbox.capabilities().memoryMechanism()).startsWith("rlimit RLIMIT_DATA");
        assertThat(sandbox.capabilities().processes()).isEqualTo(Enforcement.NONE);
        assertThat(sandbox.capabilities().processMechanism()).contains("RLIMIT_NPROC counts all of the user's");
        assertThat(sandbox.canReadopt()).isTrue();
        assertThat(sandbox.describe()).startsWith("rlimit").contains("the supervisor, /bin/sh, records");
    }

    @Test
    void theSupervisorSetsTheDataLimitInKibibytesAndPassesArgumentsAsData() { // SPEC B5, S3
        Path exit = Path.of("/runs/t.log.exit");
        List<String> limited = RlimitSandbox.command(OptionalLong.of(64L << 20), exit, List.of("prog", "$(x)"));
        assertThat(limited.subList(0, 2)).containsExactly("/bin/sh", "-c");
        assertThat(limited.get(2)).startsWith("ulimit -d \"$1\" && shift 1 || exit\n").contains("trap : HUP INT QUIT TERM");
        assertThat(limited.subList(3, limited.size())).containsExactly(
                "bgtasks-task", "65536", "/runs/t.log.exit", "", "", "", "prog", "$(x)");
        assertThat(RlimitSandbox.command(OptionalLong.of(1025), exit, List.of("p"))).contains("2");
        List<String> unlimited = RlimitSandbox.command(OptionalLong.empty(), exit, List.of("p", "q"));
        assertThat(unlimited.get(2)).doesNotContain("ulimit");
        assertThat(unlimited.subList(3, unlimited.size())).containsExactly(
                "bgtasks-task", "/runs/t.log.exit", "", "", "", "p", "q");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theCommandIsTheSupervisorsChildAndItsExitIsRecordedBesideTheRunLog() throws Exception { // SPEC B5, X4
        RlimitSandbox sandbox = new RlimitSandbox();
        String token = UUID.randomUUID().toString();
        Path log = dir.resolve("exit7.log");
        SandboxedProcess p = sandbox.launch(new LaunchSpec(List.of("/bin/sh", "-c", "echo $PPID; exit 7"),
                Map.of("BGTASKS_RUN_TOKEN", token), dir, log, token), ResourceLimits.builder()
                .memoryBytes(256L << 20).build());
        ExitStatus status = p.onExit().get(15, TimeUnit.SECONDS);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(status.exitCode()).isEqualTo(7);
        assertThat(Files.readAllLines(log)).as("the command's parent is not the broker").doesNotContain(
                Long.toString(ProcessHandle.current().pid()));
        assertThat(TaskEndRecords.readExit(TaskEndRecords.exitFile(log))).map(TaskEndRecords.Exit::exitCode)
                .contains(7);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aPoliteCancelAtOnceAfterTheLaunchReachesTheCommandsOwnHandler() throws Exception { // SPEC X6
        RlimitSandbox sandbox = new RlimitSandbox();
        // Each launch is a new fork-to-exec window of the supervisor's child; a cancel sent in it used to meet the
        // supervisor's trap and be lost, and the task ran on (here: past the wait below). Sent to the command, it
        // ends the task: by the command's handler once installed (7), else by the default action (128 + 15).
        for (int i = 0; i < 20; i++) {
            String token = UUID.randomUUID().toString();
            SandboxedProcess p = sandbox.launch(new LaunchSpec(List.of("/bin/sh", "-c",
                    "trap 'exit 7' TERM; while :; do sleep 0.05; done"), Map.of("BGTASKS_RUN_TOKEN", token), dir,
                    dir.resolve("polite-" + i + ".log"), token), ResourceLimits.defaults());
            try {
                p.terminate();
                ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
                assertThat(status.exitCode()).as("launch %d: the exit of a task cancelled at once", i)
                        .isIn(7, 128 + 15);
            } finally {
                p.kill();
            }
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void terminateReachesTheCommandThroughItsSupervisor() throws Exception { // SPEC X6, B5
        RlimitSandbox sandbox = new RlimitSandbox();
        String token = UUID.randomUUID().toString();
        Path log = dir.resolve("sleep.log");
        SandboxedProcess p = sandbox.launch(new LaunchSpec(List.of("sleep", "30"),
                Map.of("BGTASKS_RUN_TOKEN", token), dir, log, token), ResourceLimits.defaults());
        try {
            // SPEC X6: the launch returns once the pid runs the command: before its exec it ran the supervisor's
            // shell, whose trap took a polite cancel sent that early (and the grace period's kill followed).
            assertThat(ProcessHandle.of(p.pid()).flatMap(h -> h.info().command())).as("what pid %d runs", p.pid())
                    .hasValueSatisfying(c -> assertThat(c).endsWith("sleep"));
            p.terminate();
            ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
            assertThat(status.exitCode()).isEqualTo(128 + 15);
            assertThat(TaskEndRecords.readExit(TaskEndRecords.exitFile(log))).map(TaskEndRecords.Exit::exitCode)
                    .contains(128 + 15);
        } finally {
            p.kill();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aRestartedBrokersSandboxFindsAndAdoptsTheCommandByItsTokenAndItsEndIsRecorded() throws Exception {
        // SPEC B3, B5, B6
        RlimitSandbox first = new RlimitSandbox();
        String token = UUID.randomUUID().toString();
        Path log = dir.resolve("adopt.log");
        SandboxedProcess p = first.launch(new LaunchSpec(List.of("sleep", "30"),
                Map.of("BGTASKS_RUN_TOKEN", token), dir, log, token), ResourceLimits.defaults());
        try {
            RlimitSandbox second = new RlimitSandbox();
            assertThat(second.findByToken(token)).hasValue(p.pid());
            assertThat(second.findByToken(UUID.randomUUID().toString())).isEmpty();
            assertThat(second.adopt(p.pid(), UUID.randomUUID().toString(), ResourceLimits.defaults())).isEmpty();
            SandboxedProcess adopted = second.adopt(p.pid(), token, ResourceLimits.defaults()).orElseThrow();
            assertThat(adopted.pid()).isEqualTo(p.pid());
            assertThat(adopted.usage().processCount()).isEqualTo(1);
            // SPEC X6: the launch returned once the command ran, not a copy of its supervisor's shell (whose trap
            // would take the SIGTERM).
            assertThat(ProcessHandle.of(p.pid()).flatMap(h -> h.info().command())).as("what pid %d runs", p.pid())
                    .hasValueSatisfying(c -> assertThat(c).endsWith("sleep"));
            ProcessHandle.of(p.pid()).orElseThrow().destroy();
            ExitStatus status = adopted.onExit().get(10, TimeUnit.SECONDS);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXIT_CODE_UNKNOWN);
            // The end is seen once the supervisor is gone too: its record is there for the broker to read.
            assertThat(TaskEndRecords.readExit(TaskEndRecords.exitFile(log))).as("the supervisor's record")
                    .map(TaskEndRecords.Exit::exitCode).contains(128 + 15);
        } finally {
            p.kill();
        }
    }

    @Test
    void statusLinesAreReadInKibibytes() {
        String status = "Name:\tjava\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\n";
        assertThat(RlimitSandbox.statusValueKib(status, "VmRSS:")).isEqualTo(40960);
        assertThat(RlimitSandbox.statusValueKib(status, "VmHWM:")).isEqualTo(51200);
        assertThat(RlimitSandbox.statusValueKib(status, "VmSwap:")).isEqualTo(-1);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anAllocationPastTheLimitFailsInsideTheTask() throws Exception {
        RlimitSandbox sandbox = new RlimitSandbox();
        String token = UUID.randomUUID().toString();
        Path log = dir.resolve("task.log");
        // tail holds its one endless line in memory: past 64 MiB its allocation fails.
        SandboxedProcess p = sandbox.launch(new LaunchSpec(List.of("/bin/sh", "-c",
                "ulimit -d; head -c 200000000 /dev/zero | tail > /dev/null"), Map.of("BGTASKS_RUN_TOKEN", token),
                dir, log, token), ResourceLimits.builder().memoryBytes(64L << 20).build());
        ExitStatus status = p.onExit().get(15, TimeUnit.SECONDS);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(status.exitCode()).isNotZero();
        assertThat(Files.readString(log)).startsWith("65536\n").contains("memory exhausted");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theTaskGetsExactlyTheSpecsEnvironmentWithOrWithoutTheWrapper() throws Exception { // SPEC S5
        RlimitSandbox sandbox = new RlimitSandbox();
        for (ResourceLimits limits : List.of(ResourceLimits.defaults(),
                ResourceLimits.builder().memoryBytes(256L << 20).build())) {
            String token = UUID.randomUUID().toString();
            Path log = dir.resolve(token + ".log");
            Map<String, String> env = Map.of("BGTASKS_RUN_TOKEN", token, "HOME", "/home/ann", "PWD", dir.toString());
            SandboxedProcess p = sandbox.launch(new LaunchSpec(List.of("/usr/bin/env"), env, dir, log, token),
                    limits);
            assertThat(p.onExit().get(15, TimeUnit.SECONDS).exitCode()).isZero();
            assertThat(Files.readAllLines(log)).as("with %s", limits).containsExactlyInAnyOrder(
                    "BGTASKS_RUN_TOKEN=" + token, "HOME=/home/ann", "PWD=" + dir);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void killTakesTheTreeAndKillOrphanChecksTheToken() throws Exception {
        RlimitSandbox sandbox = new RlimitSandbox();
        String token = UUID.randomUUID().toString();
        SandboxedProcess p = sandbox.launch(new LaunchSpec(List.of("/bin/sh", "-c", "sleep 30 & sleep 30; wait"),
                Map.of("BGTASKS_RUN_TOKEN", token), dir, dir.resolve("t.log"), token), ResourceLimits.defaults());
        try {
            assertThat(sandbox.killOrphan(p.pid(), "other")).isFalse();
            assertThat(waitUntil(() -> descendants(p.pid()).size() == 2, Duration.ofSeconds(5))).isTrue();
            List<ProcessHandle> children = descendants(p.pid());
            assertThat(p.usage().processCount()).isEqualTo(3);
            p.kill();
            ExitStatus status = p.onExit().get(10, TimeUnit.SECONDS);
            assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
            assertThat(waitUntil(() -> children.stream().allMatch(c -> gone(c.pid())),
                    Duration.ofSeconds(5))).isTrue();
        } finally {
            ProcessHandle.of(p.pid()).ifPresent(RlimitSandbox::killTree);
        }
    }

    // Polls with growing pauses until done holds or the deadline passes.
    private static boolean waitUntil(BooleanSupplier done, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        long pause = TimeUnit.MICROSECONDS.toNanos(500);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    private static List<ProcessHandle> descendants(long pid) {
        return ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of());
    }

    // Gone, or a zombie waiting for init to reap it.
    private static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
