package dev.bgtasks.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: an argument vector (never a shell string, SPEC S3), its whole environment, and where its output
 * goes. A sandbox starts the process with exactly {@code environment}: nothing of the broker's own environment is
 * inherited (SPEC S5), so a task sees the same variables whichever process started the broker.
 *
 * <pre>{@code
 * new LaunchSpec(List.of("/bin/true"), Map.of("BGTASKS_RUN_TOKEN", token), workDir, logFile, token);
 * }</pre>
 *
 * @param command program and arguments
 * @param environment the process's whole environment; see {@link TaskEnvironment} for what the broker puts in it
 * @param workingDirectory the process's working directory
 * @param logFile where stdout and stderr of the task go
 * @param runToken the instance's one-time token, also in {@code environment}; sandboxes use it to find strays
 */
public record LaunchSpec(List<String> command, Map<String, String> environment, Path workingDirectory,
                         Path logFile, String runToken) {
    /**
     * Copies the collections and rejects an empty command or a missing path.
     *
     * @param command program and arguments
     * @param environment the process's whole environment
     * @param workingDirectory the process's working directory
     * @param logFile where stdout and stderr go
     * @param runToken the instance's one-time token
     */
    public LaunchSpec {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(runToken, "runToken");
    }
}
