package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/**
 * The sandbox end to end over a mocked libSystem and a scripted process table: launch, watchdog kills, exit
 * statuses, re-adoption and orphan kills (issue 6; SPEC X10, X12, X13, B3, R9).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MacWatchdogSandboxTest {
    private static final long MIB = 1L << 20;
    private static final int SELF = 10;
    /** The supervisor, which posix_spawn starts and which leads the task's group. */
    private static final int PID = 4242;
    /** The command, the supervisor's child in its group: the task's pid. */
    private static final int COMMAND = 4342;

    @TempDir
    Path dir;

    private final SystemLib libc = mock(SystemLib.class);
    private final SystemCalls calls = new SystemCalls(libc);
    private final ScriptedTable table = new ScriptedTable();
    /** Completes with the wait status when the scripted main process ends. */
    private final CompletableFuture<Integer> mainEnds = new CompletableFuture<>();
    private MacWatchdogSandbox sandbox;

    @BeforeEach
    void host() {
        when(libc.getuid()).thenReturn(ScriptedTable.UID);
        doAnswer(call -> {
            call.<IntByReference>getArgument(0).setValue(PID);
            List<String> token = List.of(List.of(call.<String[]>getArgument(5)).stream()
                    .filter(e -> e.startsWith("BGTASKS_")).findFirst().orElse("none"));
            table.add(PID, SELF, PID).environment = token;
            // The supervisor's fork of the command, which the launch waits for.
            table.add(COMMAND, PID, PID).environment = token;
            return 0;
        }).when(libc).posix_spawn(any(), anyString(), any(), any(), any(), any());
        doAnswer(call -> {
            int status = mainEnds.get();
            table.remove(COMMAND);
            table.remove(PID);
            call.<IntByReference>getArgument(1).setValue(status);
            return PID;
        }).when(libc).waitpid(eq(PID), any(), eq(0));
        doAnswer(call -> {
            int pgid = call.getArgument(0);
            if (table.groupMembers(pgid).length == 0) {
                throw new LastErrorException(SystemLib.ESRCH);
            }
            if ((int) call.getArgument(1) == SystemLib.SIGKILL) {
                table.update(() -> {
                    for (int pid : table.groupMembers(pgid)) {
                        if (pid != PID) {
                            table.remove(pid);
                        }
                    }
                });
                mainEnds.complete(SystemLib.SIGKILL);
            }
            return 0;
        }).when(libc).killpg(anyInt(), anyInt());
        sandbox = new MacWatchdogSandbox(calls, table, new PosixSpawner(calls, Map.of("PATH", "/bin")),
                new TreeKill(calls, table, SELF, ScriptedTable.UID), WatchdogPolicy.DEFAULT, System::nanoTime);
    }

    private LaunchSpec spec() {
        return new LaunchSpec(List.of("/bin/task"), Map.of("BGTASKS_RUN_TOKEN", "t-1"), dir, dir.resolve("t.log"),
                "t-1");
    }

    private static ExitStatus exitOf(SandboxedProcess p) throws Exception {
        return p.onExit().get(10, TimeUnit.SECONDS);
    }

    @Test
    void bothLimitsAreBestEffortSoTheBrokerAppliesR9() { // SPEC R9
        assertThat(sandbox.capabilities().memory()).isEqualTo(Enforcement.BEST_EFFORT);
        assertThat(sandbox.capabilities().processes()).isEqualTo(Enforcement.BEST_EFFORT);
        assertThat(sandbox.capabilities().memoryMechanism()).contains("watchdog", "ri_phys_footprint", "overshoot");
        assertThat(sandbox.describe()).startsWith("watchdog").contains("10 ms from 80 %", "overshoot",
                "killpg(SIGKILL)", "KERN_PROCARGS2", "NOTE_EXIT");
        assertThat(sandbox.canReadopt()).isTrue();
    }

    @Test
    void aTaskThatExitsByItselfEndsWithItsCode() throws Exception { // SPEC X4
        SandboxedProcess p = sandbox.launch(spec(), ResourceLimits.defaults());
        assertThat(p.pid()).as("the command's pid, not its supervisor's").isEqualTo(COMMAND);
        verify(libc).kill(PID, SystemLib.SIGCONT);
        // The supervisor exits with the command's status.
        mainEnds.complete(3 << 8);
        assertThat(exitOf(p)).isEqualTo(new ExitStatus(3, ExitStatus.Reason.EXITED, 0));
        verify(libc, never()).killpg(anyInt(), eq(SystemLib.SIGKILL));
    }

    @Test
    void theCommandRunsUnderASupervisorThatRecordsItsExitBesideTheRunLog() throws Exception { // SPEC B5, S3
        sandbox.launch(spec(), ResourceLimits.defaults());
        ArgumentCaptor<String[]> argv = ArgumentCaptor.forClass(String[].class);
        verify(libc).posix_spawn(any(), eq("/bin/sh"), any(), any(), argv.capture(), any());
        assertThat(argv.getValue()).startsWith("/bin/sh", "-c");
        assertThat(argv.getValue()[2]).contains("trap : HUP INT QUIT TERM", "\"$@\"");
        assertThat(List.of(argv.getValue()).subList(3, argv.getValue().length)).containsExactly("bgtasks-task",
                TaskEndRecords.exitFile(dir.resolve("t.log")).toAbsolutePath().toString(), "", "", "", "/bin/task");
        mainEnds.complete(0);
    }

    @Test
    void aBareProgramNameIsFoundOnTheBrokersPathAsBefore() throws Exception {
        Path bin = java.nio.file.Files.createDirectories(dir.resolve("bin"));
        Path tool = java.nio.file.Files.createFile(bin.resolve("tool"));
        assertThat(tool.toFile().setExecutable(true)).isTrue();
        MacWatchdogSandbox onPath = new MacWatchdogSandbox(calls, table,
                new PosixSpawner(calls, Map.of("PATH", bin.toString())),
                new TreeKill(calls, table, SELF, ScriptedTable.UID), WatchdogPolicy.DEFAULT, System::nanoTime);
        onPath.launch(new LaunchSpec(List.of("tool", "x"), Map.of("BGTASKS_RUN_TOKEN", "t-1"), dir,
                dir.resolve("t.log"), "t-1"), ResourceLimits.defaults());
        ArgumentCaptor<String[]> argv = ArgumentCaptor.forClass(String[].class);
        verify(libc).posix_spawn(any(), eq("/bin/sh"), any(), any(), argv.capture(), any());
        assertThat(argv.getValue()).endsWith(tool.toString(), "x");
        mainEnds.complete(0);
    }

    @Test
    void politeCancellationSignalsTheCommandAndItsSignalIsItsEnd() throws Exception { // SPEC X6, B5
        SandboxedProcess p = sandbox.launch(spec(), ResourceLimits.defaults());
        p.terminate();
        verify(libc).kill(COMMAND, SystemLib.SIGTERM);
        verify(libc, never()).kill(PID, SystemLib.SIGTERM);
        // The command died of SIGTERM; its supervisor exits with 128 + 15, as a shell reports it.
        mainEnds.complete((128 + 15) << 8);
        assertThat(exitOf(p)).isEqualTo(new ExitStatus(128 + 15, ExitStatus.Reason.SIGNALED, 0));
    }

    @Test
    void aSupervisorThatNeverStartsItsCommandFailsTheLaunchAndIsKilled() {
        doAnswer(call -> {
            call.<IntByReference>getArgument(0).setValue(PID);
            table.add(PID, SELF, PID);
            return 0;
        }).when(libc).posix_spawn(any(), anyString(), any(), any(), any(), any());
        long[] now = {0};
        MacWatchdogSandbox stuck = new MacWatchdogSandbox(calls, table, new PosixSpawner(calls, Map.of("PATH",
                "/bin")), new TreeKill(calls, table, SELF, ScriptedTable.UID), WatchdogPolicy.DEFAULT,
                () -> now[0] += MacWatchdogSandbox.COMMAND_DEADLINE.toNanos() / 4);
        assertThatThrownBy(() -> stuck.launch(spec(), ResourceLimits.defaults())).isInstanceOf(IOException.class)
                .hasMessageContaining("did not start its command");
        verify(libc, atLeastOnce()).killpg(PID, SystemLib.SIGKILL);
    }

    @Test
    void theRunTokenIsInTheTasksEnvironment() throws Exception {
        sandbox.launch(spec(), ResourceLimits.defaults());
        assertThat(table.environment(PID)).contains(List.of("BGTASKS_RUN_TOKEN=t-1"));
        mainEnds.complete(0);
    }

    @Test
    void aTaskPastItsMemoryLimitIsKilledAsOutOfMemory() throws Exception { // SPEC X10
        SandboxedProcess p = sandbox.launch(spec(), ResourceLimits.builder().memoryBytes(100 * MIB).build());
        table.update(() -> table.add(PID + 1, PID, PID).footprint(60 * MIB));
        table.update(() -> table.get(PID).footprint(50 * MIB));
        ExitStatus status = exitOf(p);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        assertThat(status.exitCode()).isEqualTo(128 + 9);
        assertThat(status.peakMemoryBytes()).isGreaterThanOrEqualTo(110 * MIB);
        verify(libc, atLeastOnce()).killpg(PID, SystemLib.SIGKILL);
    }

    @Test
    void aTaskPastItsProcessLimitIsKilledAsProcessLimit() throws Exception { // SPEC X12
        SandboxedProcess p = sandbox.launch(spec(), ResourceLimits.builder().maxProcesses(3).build());
        table.update(() -> {
            for (int i = 1; i <= 3; i++) {
                table.add(PID + i, PID, PID);
            }
        });
        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
        verify(libc, atLeastOnce()).killpg(PID, SystemLib.SIGKILL);
    }

    @Test
    void theTaskEndsOnlyOnceTheChildThatLeftTheGroupIsGone() throws Exception { // SPEC X13
        // Stubbed before the launch: the watchdog thread uses the mock from then on.
        doAnswer(call -> {
            table.remove(call.getArgument(0));
            return 0;
        }).when(libc).kill(anyInt(), eq(SystemLib.SIGKILL));
        SandboxedProcess p = sandbox.launch(spec(), ResourceLimits.defaults());
        table.update(() -> table.add(PID + 1, PID, PID + 1));   // setsid child
        // Wait (with a deadline) until a sample has seen it, then the main process exits.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (p.usage().processCount() < 3 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(p.usage().processCount()).as("the supervisor, the command, the child that left").isEqualTo(3);
        mainEnds.complete(0);
        table.update(() -> table.get(PID + 1).ppid = 1);
        assertThat(p.onExit()).isNotDone();
        p.kill();
        verify(libc, atLeastOnce()).kill(PID + 1, SystemLib.SIGKILL);
        assertThat(exitOf(p)).isEqualTo(new ExitStatus(0, ExitStatus.Reason.EXITED, 0));
    }

    @Test
    void anAdoptedTaskIsCheckedByTokenAndItsEndSeenThroughKqueue() throws Exception { // SPEC B3
        int adopted = 5000;
        table.add(adopted, 1, adopted).environment = List.of("BGTASKS_RUN_TOKEN=t-9");
        when(libc.kqueue()).thenReturn(77);
        CompletableFuture<Void> exits = new CompletableFuture<>();
        doAnswer(call -> {
            SystemLib.Kevent[] changes = call.getArgument(1);
            if (changes != null) {
                assertThat(changes[0].ident).isEqualTo(adopted);
                assertThat(changes[0].filter).isEqualTo(SystemLib.EVFILT_PROC);
                assertThat(changes[0].fflags).isEqualTo(SystemLib.NOTE_EXIT);
                return 0;
            }
            exits.get();
            SystemLib.Kevent[] events = call.getArgument(3);
            events[0].fflags = SystemLib.NOTE_EXIT;
            return 1;
        }).when(libc).kevent(eq(77), any(), anyInt(), any(), anyInt(), any());

        assertThat(sandbox.adopt(adopted, "t-other", ResourceLimits.defaults())).isEmpty();
        Optional<SandboxedProcess> p = sandbox.adopt(adopted, "t-9", ResourceLimits.defaults());
        assertThat(p).isPresent();
        table.remove(adopted);
        exits.complete(null);
        assertThat(exitOf(p.get())).isEqualTo(new ExitStatus(-1, ExitStatus.Reason.EXIT_CODE_UNKNOWN, 0));
        verify(libc).close(77);
    }

    @Test
    void aGoneProcessIsNotAdopted() {
        when(libc.kill(6000, 0)).thenThrow(new LastErrorException(SystemLib.ESRCH));
        assertThat(sandbox.adopt(6000, "t-1", ResourceLimits.defaults())).isEmpty();
    }

    @Test
    void orphansAreFoundByTokenAndKilledWithTheirDescendants() {
        doAnswer(call -> {
            table.remove(call.getArgument(0));
            return 0;
        }).when(libc).kill(anyInt(), eq(SystemLib.SIGKILL));
        table.add(7000, 1, 7000).environment = List.of("BGTASKS_RUN_TOKEN=t-7");
        table.add(7001, 7000, 7000);
        table.add(7100, 1, 7100).environment = List.of("BGTASKS_RUN_TOKEN=t-7");
        table.add(7200, 1, 7200);
        assertThat(sandbox.killOrphan(7000, "t-7")).isTrue();
        assertThat(table.allProcesses()).extracting(ProcessTable.Entry::pid).containsExactly(7200);
        assertThat(sandbox.killOrphan(7000, "t-7")).isFalse();
        assertThat(sandbox.killOrphan(7200, "t-8")).as("no token, nothing killed").isFalse();
        verify(libc, never()).kill(7200, SystemLib.SIGKILL);
        verify(libc, never()).sysctl(any(), anyInt(), any(), any(), isNull(), eq(0L));
    }
}
