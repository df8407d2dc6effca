package dev.bgtasks.macos.sandbox;

import dev.bgtasks.macos.jna.ErrnoException;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import dev.bgtasks.spi.RunToken;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Starts a task through {@code posix_spawn}: suspended ({@code POSIX_SPAWN_START_SUSPENDED}), as the leader of a new
 * process group ({@code POSIX_SPAWN_SETPGROUP} with group 0), with no descriptor of the broker but those named
 * ({@code POSIX_SPAWN_CLOEXEC_DEFAULT}: stdin from {@code /dev/null}, stdout appended to the log file, stderr onto
 * stdout), in its working directory. The caller sets up its watch while the task is held, then {@code SIGCONT}
 * lets it run its first instruction (SPEC X1).
 *
 * <pre>{@code
 * int pid = PosixSpawner.open().spawn(command, environment, workDir, logFile,
 *         held -> watchdog.takeOn(held));   // runs before SIGCONT
 * }</pre>
 */
public final class PosixSpawner {
    /** The flags every task is spawned with. */
    static final short SPAWN_FLAGS = (short) (SystemLib.POSIX_SPAWN_SETPGROUP
            | SystemLib.POSIX_SPAWN_START_SUSPENDED | SystemLib.POSIX_SPAWN_CLOEXEC_DEFAULT);
    /** rw-r--r-- for a log file the spawn creates. */
    static final short LOG_MODE = (short) 0644;

    private final SystemCalls libc;
    private final Map<String, String> brokerEnvironment;

    PosixSpawner(SystemCalls libc) {
        this(libc, System.getenv());
    }

    /**
     * A spawner over libSystem (loads it: macOS only) that resolves bare program names on this JVM's {@code PATH}.
     *
     * @return the spawner
     */
    public static PosixSpawner open() {
        return new PosixSpawner(SystemCalls.open());
    }

    PosixSpawner(SystemCalls libc, Map<String, String> brokerEnvironment) {
        this.libc = libc;
        this.brokerEnvironment = Map.copyOf(brokerEnvironment);
    }

    /**
     * Spawns the task held, runs {@code whileHeld} with its pid, then resumes it.
     *
     * @param command the program and its arguments
     * @param environment the task's whole environment
     * @param workingDirectory the task's working directory
     * @param logFile where stdout and stderr are appended (created when missing)
     * @param whileHeld called with the pid while the task is held, before it has run an instruction of its own;
     *        when it throws, the task is killed and the exception passes on
     * @return the pid, which is also the task's process group
     * @throws IOException when the program cannot be found or {@code posix_spawn} fails (the message names the
     *         program and the system's reason), or the task cannot be resumed (it is killed then)
     */
    public int spawn(List<String> command, Map<String, String> environment, Path workingDirectory, Path logFile,
              IntConsumer whileHeld) throws IOException {
        String program = resolve(command.get(0));
        Path log = logFile.toAbsolutePath();
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        String[] argv = command.toArray(new String[0]);
        String[] envp = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        List<SystemCalls.FileAction> actions = List.of(
                new SystemCalls.Open(0, "/dev/null", SystemLib.O_RDONLY, (short) 0),
                new SystemCalls.Open(1, log.toString(), SystemLib.O_WRONLY | SystemLib.O_CREAT | SystemLib.O_APPEND,
                        LOG_MODE),
                new SystemCalls.Dup2(1, 2),
                new SystemCalls.Chdir(workingDirectory.toAbsolutePath().toString()));
        int spawned;
        try {
            // Group 0 with SETPGROUP: the task leads a new process group of its own.
            spawned = libc.spawn(program, actions, SPAWN_FLAGS, 0, argv, envp);
        } catch (ErrnoException e) {
            throw new IOException("cannot start " + program + ": " + e.call() + " failed: " + libc.strerror(e.errno())
                    + " (errno " + e.errno() + ")", e);
        }
        try {
            whileHeld.accept(spawned);
        } catch (RuntimeException e) {
            killHeld(spawned);
            throw e;
        }
        try {
            libc.kill(spawned, SystemLib.SIGCONT);
        } catch (ErrnoException e) {
            killHeld(spawned);
            throw new IOException("started " + program + " as pid " + spawned + " but could not resume it: "
                    + libc.strerror(e.errno()) + " (errno " + e.errno() + ")", e);
        }
        return spawned;
    }

    /** An absolute or relative path is used as is; a bare name is looked up on the broker's {@code PATH}. */
    String resolve(String program) throws IOException {
        if (program.isEmpty()) {
            throw new IOException("cannot start a program with an empty name");
        }
        if (program.contains("/")) {
            return program;
        }
        Optional<String> found = Optional.empty();
        String path = brokerEnvironment.getOrDefault("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                found = Optional.of(candidate.toString());
                break;
            }
        }
        return found.orElseThrow(() -> new IOException("cannot start " + program + ": no executable of that name on"
                + " PATH (" + path + ")"));
    }

    private void killHeld(int pid) {
        try {
            libc.kill(pid, SystemLib.SIGKILL);
            // A process held by START_SUSPENDED may survive a lone SIGKILL until it is continued.
            libc.kill(pid, SystemLib.SIGCONT);
        } catch (ErrnoException ignored) {
            // Already gone: nothing to clean up.
        }
    }

    /**
     * The task's environment: exactly the one given, with its run token, sorted; nothing of the broker's own
     * (SPEC S5), whose {@code PATH} only finds the program.
     */
    static Map<String, String> taskEnvironment(Map<String, String> environment, String runToken) {
        Map<String, String> env = new TreeMap<>(environment);
        env.put(RunToken.ENVIRONMENT_VARIABLE, runToken);
        return env;
    }
}
