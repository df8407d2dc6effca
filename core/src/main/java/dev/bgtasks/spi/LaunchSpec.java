package dev.bgtasks.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: an argument vector (never a shell string, SPEC S3), its environment additions, and where its
 * output goes.
 *
 * <pre>{@code
 * new LaunchSpec(List.of("/bin/true"), Map.of("BGTASKS_RUN_TOKEN", token), workDir, logFile, token);
 * }</pre>
 *
 * @param command program and arguments
 * @param environment variables added to the broker's environment
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
     * @param environment variables added to the broker's environment
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
