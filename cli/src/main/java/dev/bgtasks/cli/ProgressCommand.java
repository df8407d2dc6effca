package dev.bgtasks.cli;

import dev.bgtasks.ipc.HostConnection;
import dev.bgtasks.spi.RunToken;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask progress N}: a command task reports its progress with the token in its environment. */
@Command(name = "progress", mixinStandardHelpOptions = true,
        description = {"Report progress (0 to 100) from inside a command task.",
                "Uses BGTASKS_SOCKET and BGTASKS_RUN_TOKEN, which the broker sets for the task."})
final class ProgressCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "N", description = "Progress, 0 to 100.")
    int progress;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String socket = System.getenv("BGTASKS_SOCKET");
        String token = System.getenv(RunToken.ENVIRONMENT_VARIABLE);
        if (socket == null || token == null) {
            spec.commandLine().getErr().println(
                    "bgtask: progress works only inside a task: BGTASKS_SOCKET and BGTASKS_RUN_TOKEN are not set");
            return 2;
        }
        if (progress < 0 || progress > 100) {
            spec.commandLine().getErr().println("bgtask: progress must be 0 to 100, got " + progress);
            return 2;
        }
        try (HostConnection connection = HostConnection.attach(Path.of(socket), token, reason -> { })) {
            connection.progress(progress);
        }
        return 0;
    }
}
