package dev.bgtasks.generic;

import dev.bgtasks.spi.RunToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Linux {@code /proc}: the run-token check on a process's environment, zombie detection and the token sweep that
 * finds task processes which left the tree. The parsers are pure and tested with fixtures; the readers are thin.
 *
 * <pre>{@code
 * if (ProcFs.available() && ProcFs.carriesEntry(pid, RunToken.environmentEntry(token))) { ... }
 * }</pre>
 */
final class ProcFs {
    private static final Path PROC = Path.of("/proc");
    private static final boolean AVAILABLE = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .contains("linux") && Files.isReadable(PROC.resolve("self").resolve("environ"));

    private ProcFs() {
    }

    /** Whether this host has a Linux {@code /proc} with readable environments. */
    static boolean available() {
        return AVAILABLE;
    }

    // ---- pure parsers ----

    /**
     * The state letter of a {@code /proc/<pid>/stat} line ({@code R}, {@code S}, {@code Z}, ...), or empty when the
     * line cannot be parsed. The command name in parentheses may itself hold spaces and parentheses, so the state is
     * read after the last {@code ')'}.
     */
    static Optional<Character> stateOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length() || stat.charAt(close + 1) != ' ') {
            return Optional.empty();
        }
        char state = stat.charAt(close + 2);
        return Character.isLetter(state) ? Optional.of(state) : Optional.empty();
    }

    /** Whether a state letter is one of a process that has ended but was not reaped (zombie, dead). */
    static boolean isEndedState(char state) {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    // ---- thin readers ----

    /** The environment of a process, empty when it is gone or not readable (another user's). */
    static Optional<byte[]> environ(long pid) {
        try {
            return Optional.of(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ")));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Whether the process's environment holds exactly that entry; false when it is gone or unreadable. */
    static boolean carriesEntry(long pid, String entry) {
        return environ(pid).map(env -> RunToken.hasEntry(env, entry)).orElse(false);
    }

    /**
     * Whether the process has ended but is still listed (a zombie nobody reaped, which {@code ProcessHandle.isAlive()}
     * still reports as alive). False where there is no {@code /proc}.
     */
    static boolean isEnded(long pid) {
        if (!AVAILABLE) {
            return false;
        }
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            return stateOf(stat).map(ProcFs::isEndedState).orElse(false);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException | SecurityException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Every process, but this one, whose environment holds exactly {@code entry}. Processes of other users cannot be
     * read and are never listed. Empty where there is no {@code /proc}.
     */
    static List<Long> pidsCarrying(String entry) {
        List<Long> found = new ArrayList<>();
        if (!AVAILABLE) {
            return found;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                long pid = pidOf(dir.getFileName().toString());
                if (pid > 0 && pid != self && carriesEntry(pid, entry)) {
                    found.add(pid);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // /proc vanished under us: nothing we can find.
            return found;
        }
        return found;
    }

    private static long pidOf(String name) {
        if (name.isEmpty() || name.length() > 18) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(name);
    }
}
