package dev.bgtasks.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/** Runs the service manager's tools; tests replace it to see the commands without running them. */
interface ServiceRunner {
    /**
     * What a command did.
     *
     * @param exitCode its exit code
     * @param output its standard output and error, together
     */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** Runs {@code command} to completion and returns its exit code and output; a non-zero exit is not thrown. */
    Result run(List<String> command) throws IOException;

    /** The tool's executable on {@code PATH}, if there is one. */
    Optional<Path> find(String tool);

    /** The real runner: commons-exec with an argument vector, a time limit, and output captured. */
    static ServiceRunner system(Map<String, String> environment) {
        return new ServiceRunner() {
            @Override
            public Result run(List<String> command) throws IOException {
                CommandLine line = new CommandLine(command.get(0));
                // false: the arguments are a vector already; commons-exec must not re-quote or split them.
                command.subList(1, command.size()).forEach(argument -> line.addArgument(argument, false));
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                DefaultExecutor executor = DefaultExecutor.builder().get();
                executor.setStreamHandler(new PumpStreamHandler(output));
                executor.setWatchdog(ExecuteWatchdog.builder().setTimeout(Duration.ofSeconds(60)).get());
                executor.setExitValues(null);
                int exit = executor.execute(line);
                return new Result(exit, output.toString(Charset.defaultCharset()).strip());
            }

            @Override
            public Optional<Path> find(String tool) {
                String path = environment.getOrDefault("PATH", environment.getOrDefault("Path", ""));
                for (String directory : path.split(File.pathSeparator)) {
                    if (directory.isBlank()) {
                        continue;
                    }
                    for (String name : List.of(tool, tool + ".exe")) {
                        Path candidate = Path.of(directory, name);
                        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                            return Optional.of(candidate);
                        }
                    }
                }
                return Optional.empty();
            }
        };
    }
}
