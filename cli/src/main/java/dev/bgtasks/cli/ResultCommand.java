package dev.bgtasks.cli;

import dev.bgtasks.arguments.KeyValuePairs;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.ipc.HostConnection;
import dev.bgtasks.spi.RunToken;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bgtask result KEY=VALUE...}: a command task sets its result map (SPEC P2) with the token in its
 * environment, as {@code bgtask progress} reports progress.
 *
 * <pre>{@code
 * bgtask result rows=1200 file=/tmp/out.csv
 * }</pre>
 */
@Command(name = "result", mixinStandardHelpOptions = true,
        description = {"Set the result map of the task this runs in (values are strings); a later call replaces it.",
                "The app gets it with the completion. Uses BGTASKS_SOCKET and BGTASKS_RUN_TOKEN, which the broker "
                        + "sets for the task."})
final class ResultCommand implements Callable<Integer> {
    @Parameters(paramLabel = "KEY=VALUE", arity = "0..*", description = "The result's entries; none clears it.")
    List<String> pairs = new ArrayList<>();
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String socket = System.getenv("BGTASKS_SOCKET");
        String token = System.getenv(RunToken.ENVIRONMENT_VARIABLE);
        if (socket == null || token == null) {
            spec.commandLine().getErr().println(
                    "bgtask: result works only inside a task: BGTASKS_SOCKET and BGTASKS_RUN_TOKEN are not set");
            return 2;
        }
        byte[] encoded;
        try {
            encoded = ValueMapCodec.encode(KeyValuePairs.parse(pairs));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("bgtask: " + e.getMessage());
            return 2;
        }
        try (HostConnection connection = HostConnection.attach(Path.of(socket), token, reason -> { })) {
            connection.setResult(encoded);
        }
        return 0;
    }
}
