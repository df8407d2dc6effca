package dev.bgtasks.bench.chaos;

import dev.bgtasks.spi.RunToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds task processes by their environment, as the broker's sandbox does: the broker gives every task (and its
 * children inherit) {@code BGTASKS_SOCKET}, {@link RunToken#ENVIRONMENT_VARIABLE} ({@code BGTASKS_RUN_TOKEN}) and
 * {@code BGTASKS_INSTANCE_ID}. The socket names one broker home, so tasks of other brokers on the machine are never
 * counted.
 */
final class TaskProcesses {
    static final String SOCKET = "BGTASKS_SOCKET";
    static final String INSTANCE = "BGTASKS_INSTANCE_ID";

    private final Path procRoot;

    TaskProcesses(Path procRoot) {
        this.procRoot = procRoot;
    }

    static TaskProcesses host() {
        return new TaskProcesses(Path.of("/proc"));
    }

    /** Pid to instance id of every live process whose environment names {@code socket}. */
    Map<Long, String> withSocket(Path socket) {
        Map<Long, String> found = new HashMap<>();
        String wanted = socket.toString();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.isEmpty()) {
                    continue;
                }
                Map<String, String> env = environment(entry.resolve("environ"));
                if (wanted.equals(env.get(SOCKET)) && !isZombie(entry)) {
                    found.put(Long.parseLong(name), env.getOrDefault(INSTANCE, ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + procRoot + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** A zombie has exited and holds nothing; its parent just has not reaped it yet. */
    private static boolean isZombie(Path processDir) {
        try {
            for (String line : Files.readAllLines(processDir.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("State:")) {
                    return line.contains("Z") || line.contains("X");
                }
            }
        } catch (IOException e) {
            return true; // gone between the listing and now
        }
        return false;
    }

    /** The NUL-separated {@code environ} as a map; empty when the process is gone or unreadable. */
    static Map<String, String> environment(Path environFile) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(environFile);
        } catch (IOException e) {
            return Map.of();
        }
        return parseEnvironment(bytes);
    }

    static Map<String, String> parseEnvironment(byte[] bytes) {
        Map<String, String> env = new HashMap<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i > start) {
                    String entry = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                    int eq = entry.indexOf('=');
                    if (eq > 0) {
                        env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
                    }
                }
                start = i + 1;
            }
        }
        return env;
    }
}
