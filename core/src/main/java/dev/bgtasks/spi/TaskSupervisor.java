package dev.bgtasks.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The task's supervisor (SPEC B5): a {@code /bin/sh} that outlives the broker. It runs the sandbox's prelude (join
 * the cgroups, set an rlimit), then runs the command as its child in the foreground, waits for it, and writes the
 * exit record ({@link TaskEndRecords}, one write ending with its {@code end} line) with the command's exit status,
 * the peak memory and the out-of-memory and process-limit counters read from the counter files it was given, and
 * exits with the command's status. A broker that is there sees that status as the supervisor's exit code; a broker
 * that was away finds the record when it next starts.
 *
 * <pre>{@code
 * List<String> argv = TaskSupervisor.command("echo $$ > \"$1\" && shift 1", List.of(procsFile.toString()),
 *         TaskEndRecords.exitFile(spec.logFile()), TaskSupervisor.Counters.NONE, spec.command());
 * Process supervisor = new ProcessBuilder(argv).start();   // the command is its only child
 * }</pre>
 *
 * <p>No JVM, one small shell per task, and it counts against the task's process limit. The command's pid is the
 * task's pid (the sandbox finds it as the supervisor's child): signals for polite cancellation go to the command
 * itself. The supervisor traps {@code HUP}, {@code INT}, {@code QUIT} and {@code TERM} with an empty action, so a
 * signal meant for the task's process group leaves the observer alive, while the command, which a caught (not
 * ignored) signal is reset for at {@code exec}, gets its default handling. Only a {@code SIGKILL} of the supervisor
 * itself leaves an end nobody observes ({@code BROKER_LOST} if no broker ran then). The command's arguments and the
 * files are positional parameters, never shell code (SPEC S3). A sandbox's launch returns once the command has
 * replaced the supervisor's copy in its child ({@link #awaitExec}): until then the child runs the supervisor's shell,
 * whose trap would take a polite {@code SIGTERM} meant for the task.
 */
public final class TaskSupervisor {
    /** The supervisor's shell. */
    public static final String SHELL = "/bin/sh";
    /** {@code $0} of the supervisor's shell. */
    public static final String NAME = "bgtasks-task";

    /*
     * After the prelude: $1 the exit record, $2 the peak memory file, $3 the memory events file, $4 the process
     * events file (each may be ""), then the command. "$@" runs in the foreground: an asynchronous command would
     * start with SIGINT and SIGQUIT ignored (POSIX), which a task must not inherit.
     */
    static final String SUPERVISE = String.join("\n",
            "x=$1 p=$2 me=$3 pe=$4",
            "shift 4",
            "trap : HUP INT QUIT TERM",
            "\"$@\"",
            "s=$?",
            "k=0 o=0 m=0",
            "[ -n \"$p\" ] && [ -r \"$p\" ] && read -r k < \"$p\"",
            "if [ -n \"$me\" ] && [ -r \"$me\" ]; then",
            "  while read -r n v; do [ \"$n\" = oom_kill ] && o=$v; done < \"$me\"",
            "fi",
            "if [ -n \"$pe\" ] && [ -r \"$pe\" ]; then",
            "  while read -r n v; do [ \"$n\" = max ] && m=$v; done < \"$pe\"",
            "fi",
            "r=\"exit=$s",
            "peak=$k",
            "oom_kill=$o",
            "pids_max=$m",
            TaskEndRecords.END_LINE + "\"",
            // In place, by the shell's own printf (one write): a reader takes a record only once its last line,
            // "end", is there, so a record cut short by a kill is no record. A temp file and mv would cost a fork and
            // an exec on every task's end (about 0.5 ms before the broker hears of the exit, issue 15) and a fork
            // that a process limit may refuse.
            "printf '%s\\n' \"$r\" > \"$x\"",
            "exit $s");

    private TaskSupervisor() {
    }

    /**
     * The files the supervisor reads its counters from once the command has ended; null where the platform has
     * none.
     *
     * @param peakMemory a file holding the task's peak memory in bytes ({@code memory.peak})
     * @param memoryEvents a keyed file with an {@code oom_kill} line ({@code memory.events}, {@code memory.oom_control})
     * @param processEvents a keyed file with a {@code max} line ({@code pids.events})
     */
    public record Counters(Path peakMemory, Path memoryEvents, Path processEvents) {
        /** No counters: the record then holds the exit status alone. */
        public static final Counters NONE = new Counters(null, null, null);
    }

    /**
     * The supervisor's argument vector.
     *
     * @param prelude shell code that runs first and consumes its own positional parameters with {@code shift};
     *     a failure ends the supervisor with its status before the command runs; empty for none
     * @param preludeArgs the prelude's positional parameters
     * @param exitFile where the exit record goes
     * @param counters the counter files
     * @param command the task's argument vector
     * @return {@code /bin/sh -c <script> bgtasks-task <prelude args> <exit file> <counters> <command>}
     */
    public static List<String> command(String prelude, List<String> preludeArgs, Path exitFile, Counters counters,
                                       List<String> command) {
        Objects.requireNonNull(prelude, "prelude");
        Objects.requireNonNull(exitFile, "exitFile");
        Objects.requireNonNull(counters, "counters");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        String script = prelude.isBlank() ? SUPERVISE : prelude + " || exit\n" + SUPERVISE;
        List<String> out = new ArrayList<>(List.of(SHELL, "-c", script, NAME));
        out.addAll(preludeArgs);
        out.add(exitFile.toAbsolutePath().toString());
        out.add(pathOrEmpty(counters.peakMemory()));
        out.add(pathOrEmpty(counters.memoryEvents()));
        out.add(pathOrEmpty(counters.processEvents()));
        out.addAll(command);
        return out;
    }

    /**
     * Waits until the supervisor's child runs the task's command. From its fork until its {@code exec} the child is a
     * copy of the supervisor's shell, with its trap: a polite {@code SIGTERM} sent then would be taken by the trap and
     * lost, and the task would run on until the grace period's kill (SPEC X6). The child's command line is the
     * supervisor's until the {@code exec} (the same {@code /bin/sh -c <script> bgtasks-task ...}); a command never
     * has that one. In the middle of the {@code exec} the child's command line reads empty for a moment (Linux: the
     * new program's arguments are not set up yet), so an empty one is waited out while the child lives. Returns at
     * once when the child has ended or the OS does not tell the supervisor's command line, and at {@code deadline} in
     * any case.
     *
     * @param child the supervisor's child, the task's main process
     * @param supervisor the supervisor
     * @param deadline how long to wait at most
     * @return whether the child was seen running something other than the supervisor's shell (or has ended)
     */
    public static boolean awaitExec(ProcessHandle child, ProcessHandle supervisor, Duration deadline) {
        Optional<String> shell = supervisor.info().commandLine();
        if (shell.isEmpty()) {
            return true;
        }
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Optional<String> own = child.info().commandLine();
            if (own.isPresent() ? !own.equals(shell) : !child.isAlive()) {
                return true;
            }
            if (System.nanoTime() - end > 0) {
                return false;
            }
            // A fork execs within microseconds to a millisecond: poll finely, there is nothing to be woken by.
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
    }

    private static String pathOrEmpty(Path path) {
        return path == null ? "" : path.toString();
    }
}
