package dev.bgtasks.macos.sandbox;

import dev.bgtasks.macos.jna.ErrnoException;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a task's whole tree: first {@code killpg(SIGKILL)} on its process group (which stops a fork bomb at once),
 * then the straggler walk over every process of the host: the descendants, by parent pid, of the group and of the
 * processes known to have left it, and every process of this user whose environment carries the run token, with
 * their descendants. The parent links the walk follows are listed just before the {@code killpg} (one
 * {@code proc_listpids} and one {@code proc_pidinfo} per process, about a millisecond), since the group's death
 * reparents its children to launchd; the environments are read after it. Each victim gets {@code SIGKILL} and then {@code SIGCONT}, because a process still held by
 * {@code POSIX_SPAWN_START_SUSPENDED} may not die of a {@code SIGKILL} alone. Rounds repeat until a walk finds
 * nothing.
 *
 * <pre>{@code
 * boolean clean = new TreeKill(libc, table).kill(pgid, watch.escapees(), RunToken.environmentEntry(token));
 * }</pre>
 */
final class TreeKill {
    /** Kill-and-walk rounds before giving up. */
    static final int ROUNDS = 25;
    private static final Logger LOG = LoggerFactory.getLogger(TreeKill.class);

    private final SystemCalls libc;
    private final ProcessTable table;
    private final int self;
    private final int uid;

    TreeKill(SystemCalls libc, ProcessTable table) {
        this(libc, table, (int) ProcessHandle.current().pid(), libc.getuid());
    }

    TreeKill(SystemCalls libc, ProcessTable table, int self, int uid) {
        this.libc = libc;
        this.table = table;
        this.self = self;
        this.uid = uid;
    }

    /**
     * Kills the group {@code pgid} (0 or less: no group) and every straggler.
     *
     * @param known processes seen in the tree before (they may have left the group)
     * @param tokenEntry the {@code NAME=value} environment entry that marks the task's processes, or null
     * @return true when the last walk found nothing alive
     */
    boolean kill(int pgid, Collection<Integer> known, String tokenEntry) {
        Set<Integer> seen = new LinkedHashSet<>(known);
        for (int round = 0; round < ROUNDS; round++) {
            // Parent links are read before the group dies: its death reparents the children that left it to launchd.
            List<ProcessTable.Entry> before = table.allProcesses();
            boolean groupLeft = pgid > 0 && signalGroup(pgid);
            Set<Integer> victims = victims(before, pgid, seen, tokenEntry);
            if (victims.isEmpty() && !groupLeft) {
                return true;
            }
            for (int victim : victims) {
                signal(victim);
            }
            seen.addAll(victims);
            // SIGKILL is delivered asynchronously; give it a moment before the next walk.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(round < 3 ? 2 : 10));
        }
        Set<Integer> left = victims(table.allProcesses(), pgid, seen, tokenEntry);
        if (!left.isEmpty()) {
            LOG.warn("{} process(es) still alive after {} kill rounds: {}", left.size(), ROUNDS, left);
        }
        return left.isEmpty();
    }

    /**
     * The processes to kill, from one walk of the table: members of the group, descendants of the group and of
     * {@code known}, and this user's processes that carry {@code tokenEntry}, with their descendants.
     */
    Set<Integer> victims(List<ProcessTable.Entry> all, int pgid, Collection<Integer> known, String tokenEntry) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        Set<Integer> alive = new LinkedHashSet<>();
        Deque<Integer> roots = new ArrayDeque<>();
        for (ProcessTable.Entry e : all) {
            alive.add(e.pid());
            children.computeIfAbsent(e.ppid(), k -> new ArrayList<>()).add(e.pid());
            if (pgid > 0 && e.pgid() == pgid) {
                roots.add(e.pid());
            }
        }
        for (int pid : known) {
            if (alive.contains(pid)) {
                roots.add(pid);
            }
        }
        if (tokenEntry != null) {
            for (ProcessTable.Entry e : all) {
                if (e.uid() == uid && e.pid() != self && !roots.contains(e.pid())
                        && table.environment(e.pid()).map(env -> env.contains(tokenEntry)).orElse(false)) {
                    roots.add(e.pid());
                }
            }
        }
        Set<Integer> victims = new LinkedHashSet<>();
        while (!roots.isEmpty()) {
            int pid = roots.poll();
            if (pid > 1 && pid != self && victims.add(pid)) {
                roots.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return victims;
    }

    // Returns true when the group still had a member to signal.
    private boolean signalGroup(int pgid) {
        try {
            libc.killpg(pgid, SystemLib.SIGKILL);
        } catch (ErrnoException e) {
            if (e.errno() == SystemLib.ESRCH) {
                return false;
            }
            LOG.warn("killpg({}, SIGKILL) failed: errno {}", pgid, e.errno());
            return false;
        }
        try {
            libc.killpg(pgid, SystemLib.SIGCONT);
        } catch (ErrnoException e) {
            LOG.debug("killpg({}, SIGCONT) after SIGKILL: errno {}", pgid, e.errno());
        }
        return true;
    }

    private void signal(int pid) {
        try {
            libc.kill(pid, SystemLib.SIGKILL);
            libc.kill(pid, SystemLib.SIGCONT);
        } catch (ErrnoException e) {
            if (e.errno() != SystemLib.ESRCH) {
                LOG.warn("kill({}, SIGKILL) failed: errno {}", pid, e.errno());
            }
        }
    }
}
