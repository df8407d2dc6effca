package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyShort;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * The spawn call sequence over a mocked libSystem (issue 6: the flag mapping; SPEC X1: the task is held until the
 * watch is set up).
 */
class PosixSpawnerTest {
    private static final int PID = 4242;

    @TempDir
    Path dir;

    private final SystemLib libc = mock(SystemLib.class);
    private final SystemCalls calls = new SystemCalls(libc);
    private PosixSpawner spawner;
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void spawnSucceeds() {
        spawner = new PosixSpawner(calls, Map.of("PATH", "/usr/bin:/bin"));
        doAnswer(call -> {
            call.<IntByReference>getArgument(0).setValue(PID);
            return 0;
        }).when(libc).posix_spawn(any(), anyString(), any(), any(), any(), any());
        when(libc.strerror(SystemLib.ENOENT)).thenReturn("No such file or directory");
    }

    private int spawn(List<String> command) throws IOException {
        return spawner.spawn(command, Map.of("BGTASKS_RUN_TOKEN", "t-1", "A", "b"), dir, dir.resolve("logs/t.log"),
                held -> events.add("held " + held));
    }

    @Test
    void theSpawnFlagsAndTheLogModeAreDarwins() {
        // Moved here from the layout test of SystemLib, which checks the flags' values against sys/spawn.h.
        assertThat(PosixSpawner.SPAWN_FLAGS).isEqualTo((short) 0x4082);
        assertThat(PosixSpawner.LOG_MODE).isEqualTo((short) 0644);
    }

    @Test
    void theTaskIsSpawnedSuspendedAsAGroupLeaderThenResumedAfterTheWatchIsSet() throws Exception {
        doAnswer(call -> {
            events.add("SIGCONT");
            return 0;
        }).when(libc).kill(PID, SystemLib.SIGCONT);

        assertThat(spawn(List.of("/bin/echo", "hi"))).isEqualTo(PID);

        InOrder order = inOrder(libc);
        ArgumentCaptor<PointerByReference> attr = ArgumentCaptor.forClass(PointerByReference.class);
        order.verify(libc).posix_spawnattr_init(attr.capture());
        order.verify(libc).posix_spawnattr_setflags(same(attr.getValue()),
                eq((short) (SystemLib.POSIX_SPAWN_SETPGROUP | SystemLib.POSIX_SPAWN_START_SUSPENDED
                        | SystemLib.POSIX_SPAWN_CLOEXEC_DEFAULT)));
        order.verify(libc).posix_spawnattr_setpgroup(same(attr.getValue()), eq(0));
        order.verify(libc).posix_spawn(any(), eq("/bin/echo"), any(), same(attr.getValue()),
                eq(new String[] {"/bin/echo", "hi"}), any());
        order.verify(libc).posix_spawnattr_destroy(same(attr.getValue()));
        order.verify(libc).kill(PID, SystemLib.SIGCONT);
        assertThat(events).containsExactly("held " + PID, "SIGCONT");
        assertThat(Files.isDirectory(dir.resolve("logs"))).as("the log's directory is made").isTrue();
    }

    @Test
    void stdinIsDevNullAndStdoutAndStderrAppendToTheLogInTheWorkingDirectory() throws Exception {
        spawn(List.of("/bin/echo"));
        ArgumentCaptor<PointerByReference> actions = ArgumentCaptor.forClass(PointerByReference.class);
        InOrder order = inOrder(libc);
        order.verify(libc).posix_spawn_file_actions_init(actions.capture());
        PointerByReference fa = actions.getValue();
        order.verify(libc).posix_spawn_file_actions_addopen(same(fa), eq(0), eq("/dev/null"),
                eq(SystemLib.O_RDONLY), eq((short) 0));
        order.verify(libc).posix_spawn_file_actions_addopen(same(fa), eq(1),
                eq(dir.resolve("logs/t.log").toAbsolutePath().toString()), eq(0x1 | 0x200 | 0x8),
                eq((short) 0644));
        order.verify(libc).posix_spawn_file_actions_adddup2(same(fa), eq(1), eq(2));
        order.verify(libc).posix_spawn_file_actions_addchdir_np(same(fa), eq(dir.toAbsolutePath().toString()));
        order.verify(libc).posix_spawn(any(), anyString(), same(fa), any(), any(), any());
        order.verify(libc).posix_spawn_file_actions_destroy(same(fa));
    }

    @Test
    void theEnvironmentIsPassedAsNameValueEntries() throws Exception {
        spawn(List.of("/bin/echo"));
        ArgumentCaptor<String[]> envp = ArgumentCaptor.forClass(String[].class);
        verify(libc).posix_spawn(any(), anyString(), any(), any(), any(), envp.capture());
        assertThat(envp.getValue()).containsExactlyInAnyOrder("BGTASKS_RUN_TOKEN=t-1", "A=b");
    }

    @Test
    void taskEnvironmentIsExactlyTheSpecsWithItsTokenAndNothingOfTheBrokers() { // SPEC S5
        assertThat(PosixSpawner.taskEnvironment(Map.of("A", "task", "PATH", "/usr/bin"), "t"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/usr/bin", "A", "task", "BGTASKS_RUN_TOKEN", "t"));
    }

    @Test
    void aFailedSpawnNamesTheProgramAndTheSystemsReasonAndCleansUp() {
        doAnswer(call -> SystemLib.ENOENT).when(libc).posix_spawn(any(), anyString(), any(), any(), any(), any());
        assertThatThrownBy(() -> spawn(List.of("/opt/missing/tool", "x")))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot start /opt/missing/tool: posix_spawn failed: No such file or directory (errno 2)");
        verify(libc).posix_spawnattr_destroy(any());
        verify(libc).posix_spawn_file_actions_destroy(any());
        verify(libc, never()).kill(anyInt(), anyInt());
        assertThat(events).isEmpty();
    }

    @Test
    void aFailedAttributeCallStopsBeforeTheSpawn() {
        when(libc.posix_spawnattr_setflags(any(), anyShort())).thenReturn(SystemLib.EINVAL);
        when(libc.strerror(SystemLib.EINVAL)).thenReturn("Invalid argument");
        assertThatThrownBy(() -> spawn(List.of("/bin/echo")))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot start /bin/echo: posix_spawnattr_setflags failed: Invalid argument (errno 22)");
        verify(libc, never()).posix_spawn(any(), anyString(), any(), any(), any(), any());
        verify(libc).posix_spawnattr_destroy(any());
    }

    @Test
    void aTaskThatCannotBeResumedIsKilledAndReported() {
        when(libc.kill(PID, SystemLib.SIGCONT)).thenThrow(new LastErrorException(SystemLib.EPERM))
                .thenReturn(0);
        when(libc.strerror(SystemLib.EPERM)).thenReturn("Operation not permitted");
        assertThatThrownBy(() -> spawn(List.of("/bin/echo")))
                .isInstanceOf(IOException.class)
                .hasMessage("started /bin/echo as pid 4242 but could not resume it: Operation not permitted (errno 1)");
        InOrder order = inOrder(libc);
        order.verify(libc).kill(PID, SystemLib.SIGKILL);
        order.verify(libc).kill(PID, SystemLib.SIGCONT);
    }

    @Test
    void aBareNameIsFoundOnPathAndAMissingOneIsAClearError() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.createFile(bin.resolve("tool"));
        assertThat(tool.toFile().setExecutable(true)).isTrue();
        PosixSpawner withPath = new PosixSpawner(calls, Map.of("PATH", dir.resolve("none") + ":" + bin));
        assertThat(withPath.resolve("tool")).isEqualTo(tool.toString());
        assertThat(withPath.resolve("./tool")).isEqualTo("./tool");
        assertThatThrownBy(() -> withPath.resolve("nope"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot start nope: no executable of that name on PATH (");
    }
}
