package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import com.sun.jna.LastErrorException;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * The tree kill over a mocked libSystem and a scripted process table (issue 6: kill = killpg(SIGKILL), then the
 * straggler walk by parent pid and by run token; SPEC X13).
 */
class TreeKillTest {
    private static final int SELF = 10;
    private static final int LEADER = 100;
    private static final String TOKEN = "BGTASKS_RUN_TOKEN=t-1";

    private final SystemLib libc = mock(SystemLib.class);
    private final SystemCalls calls = new SystemCalls(libc);
    private final ScriptedTable table = spy(new ScriptedTable());
    private final TreeKill treeKill = new TreeKill(calls, table, SELF, ScriptedTable.UID);

    /** Signals remove processes from the table the way the kernel would: SIGKILL ends them. */
    private void killsTakeEffect() {
        doAnswer(call -> {
            int pgid = call.getArgument(0);
            if (table.groupMembers(pgid).length == 0) {
                throw new LastErrorException(SystemLib.ESRCH);
            }
            if ((int) call.getArgument(1) == SystemLib.SIGKILL) {
                for (int pid : table.groupMembers(pgid)) {
                    table.remove(pid);
                }
            }
            return 0;
        }).when(libc).killpg(anyInt(), anyInt());
        doAnswer(call -> {
            int pid = call.getArgument(0);
            if (table.get(pid) == null) {
                throw new LastErrorException(SystemLib.ESRCH);
            }
            if ((int) call.getArgument(1) == SystemLib.SIGKILL) {
                table.remove(pid);
            }
            return 0;
        }).when(libc).kill(anyInt(), anyInt());
    }

    @Test
    void theGroupIsKilledFirstThenTheStragglerWalkRuns() {
        killsTakeEffect();
        table.add(LEADER, SELF, LEADER);
        table.add(101, LEADER, LEADER);
        table.add(200, 1, 200).environment = List.of(TOKEN);
        assertThat(treeKill.kill(LEADER, List.of(), TOKEN)).isTrue();
        InOrder order = inOrder(libc, table);
        order.verify(table).allProcesses();                  // parent links, before the group dies
        order.verify(libc).killpg(LEADER, SystemLib.SIGKILL);
        order.verify(libc).killpg(LEADER, SystemLib.SIGCONT);
        order.verify(table).environment(200);                // the walk: environments read after the killpg
        order.verify(libc).kill(200, SystemLib.SIGKILL);
        order.verify(libc).kill(200, SystemLib.SIGCONT);
        assertThat(table.allProcesses()).isEmpty();
    }

    @Test
    void childrenThatLeftTheGroupAndStrangersCarryingTheTokenAreKilledToo() {
        killsTakeEffect();
        table.add(LEADER, SELF, LEADER);
        table.add(101, LEADER, 101);                        // setsid child, still the leader's child
        table.add(102, 101, 101);                           // its child
        table.add(200, 1, 200).environment = List.of("HOME=/x", TOKEN);   // double-forked daemon: only the token
        table.add(201, 200, 201);                           // the daemon's child, without the token
        table.add(300, 1, 300).environment = List.of("BGTASKS_RUN_TOKEN=other");
        table.add(400, 1, 400);                             // unrelated
        table.add(500, 1, 500).uid = 0;                     // root's: its environment is not even read

        assertThat(treeKill.kill(LEADER, List.of(), TOKEN)).isTrue();

        assertThat(table.allProcesses()).extracting(ProcessTable.Entry::pid).containsExactlyInAnyOrder(300, 400, 500);
        verify(libc).kill(200, SystemLib.SIGKILL);
        verify(libc).kill(200, SystemLib.SIGCONT);
        verify(libc, never()).kill(300, SystemLib.SIGKILL);
        verify(table, never()).environment(500);
    }

    @Test
    void aKnownEscapeeReparentedToLaunchdIsFoundWithItsDescendants() {
        table.add(LEADER, SELF, LEADER);
        table.add(150, 1, 150);          // left the group, then its parent died
        table.add(151, 150, 150);
        table.add(152, 151, 150);
        table.add(160, 1, 160);          // unrelated
        Set<Integer> victims = treeKill.victims(table.allProcesses(), LEADER, List.of(150), null);
        assertThat(victims).containsExactlyInAnyOrder(LEADER, 150, 151, 152);
    }

    @Test
    void neitherTheBrokerNorLaunchdIsEverAVictim() {
        table.add(1, 0, 1).environment = List.of(TOKEN);
        table.add(SELF, 1, SELF).environment = List.of(TOKEN);
        table.add(LEADER, SELF, LEADER);
        Set<Integer> victims = treeKill.victims(table.allProcesses(), LEADER, List.of(SELF, 1), TOKEN);
        assertThat(victims).containsExactly(LEADER);
    }

    @Test
    void anEmptyGroupAndNoStragglerMeansNothingToDo() {
        killsTakeEffect();
        table.add(400, 1, 400);
        assertThat(treeKill.kill(LEADER, List.of(), TOKEN)).isTrue();
        verify(libc).killpg(LEADER, SystemLib.SIGKILL);
        verify(libc, never()).kill(anyInt(), anyInt());
    }

    @Test
    void aProcessThatWillNotDieIsReportedAfterTheRounds() {
        // kill() succeeds but the process stays: e.g. stuck in uninterruptible I/O.
        table.add(200, 1, 200).environment = List.of(TOKEN);
        assertThat(treeKill.kill(0, List.of(), TOKEN)).isFalse();
        verify(libc, org.mockito.Mockito.times(TreeKill.ROUNDS)).kill(200, SystemLib.SIGKILL);
        verify(libc, never()).killpg(anyInt(), anyInt());
    }
}
