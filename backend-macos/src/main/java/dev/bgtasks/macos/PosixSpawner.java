package dev.bgtasks.macos;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
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
    static final short SPAWN_FLAGS = (short) (DarwinLibc.POSIX_SPAWN_SETPGROUP
            | DarwinLibc.POSIX_SPAWN_START_SUSPENDED | DarwinLibc.POSIX_SPAWN_CLOEXEC_DEFAULT);
    /** rw-r--r-- for a log file the spawn creates. */
    static final short LOG_MODE = (short) 0644;

    private final DarwinLibc libc;
    private final Map<String, String> brokerEnvironment;

    PosixSpawner(DarwinLibc libc) {
        this(libc, System.getenv());
    }

    /**
     * A spawner over libSystem (loads it: macOS only) that resolves bare program names on this JVM's {@code PATH}.
     *
     * @return the spawner
     */
    public static PosixSpawner open() {
        return new PosixSpawner(DarwinLibc.instance());
    }

    PosixSpawner(DarwinLibc libc, Map<String, String> brokerEnvironment) {
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
        PointerByReference actions = new PointerByReference();
        PointerByReference attr = new PointerByReference();
        IntByReference pid = new IntByReference();
        check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", program);
        try {
            check(libc.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", DarwinLibc.O_RDONLY, (short) 0),
                    "posix_spawn_file_actions_addopen(stdin)", program);
            check(libc.posix_spawn_file_actions_addopen(actions, 1, log.toString(),
                    DarwinLibc.O_WRONLY | DarwinLibc.O_CREAT | DarwinLibc.O_APPEND, LOG_MODE),
                    "posix_spawn_file_actions_addopen(stdout)", program);
            check(libc.posix_spawn_file_actions_adddup2(actions, 1, 2), "posix_spawn_file_actions_adddup2", program);
            check(libc.posix_spawn_file_actions_addchdir_np(actions, workingDirectory.toAbsolutePath().toString()),
                    "posix_spawn_file_actions_addchdir_np", program);
            check(libc.posix_spawnattr_init(attr), "posix_spawnattr_init", program);
            try {
                check(libc.posix_spawnattr_setflags(attr, SPAWN_FLAGS), "posix_spawnattr_setflags", program);
                check(libc.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup", program);
                check(libc.posix_spawn(pid, program, actions, attr, argv, envp), "posix_spawn", program);
            } finally {
                libc.posix_spawnattr_destroy(attr);
            }
        } finally {
            libc.posix_spawn_file_actions_destroy(actions);
        }
        int spawned = pid.getValue();
        try {
            whileHeld.accept(spawned);
        } catch (RuntimeException e) {
            killHeld(spawned);
            throw e;
        }
        try {
            libc.kill(spawned, DarwinLibc.SIGCONT);
        } catch (LastErrorException e) {
            killHeld(spawned);
            throw new IOException("started " + program + " as pid " + spawned + " but could not resume it: "
                    + libc.strerror(e.getErrorCode()) + " (errno " + e.getErrorCode() + ")", e);
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
            libc.kill(pid, DarwinLibc.SIGKILL);
            // A process held by START_SUSPENDED may survive a lone SIGKILL until it is continued.
            libc.kill(pid, DarwinLibc.SIGCONT);
        } catch (LastErrorException ignored) {
            // Already gone: nothing to clean up.
        }
    }

    private void check(int rc, String call, String program) throws IOException {
        if (rc != 0) {
            throw new IOException("cannot start " + program + ": " + call + " failed: " + libc.strerror(rc)
                    + " (errno " + rc + ")");
        }
    }

    /** The broker's environment with the task's additions on top, as {@link ProcessBuilder} would build it. */
    Map<String, String> taskEnvironment(Map<String, String> additions) {
        Map<String, String> env = new TreeMap<>(brokerEnvironment);
        env.putAll(additions);
        return env;
    }
}
