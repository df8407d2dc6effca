package dev.bgtasks.cli;

import dev.bgtasks.ipc.BrokerClient;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask unregister}: removes a registration. */
@Command(name = "unregister", mixinStandardHelpOptions = true,
        description = "Remove a registration; with --cancel a running instance is cancelled (ABORT).")
final class UnregisterCommand implements Callable<Integer> {
    @Mixin
    AppOption app;
    @Option(names = "--task", required = true, paramLabel = "ID", description = "The task id.")
    UUID taskId;
    @Option(names = "--cancel", description = "Cancel a running instance instead of letting it finish.")
    boolean cancel;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (BrokerClient broker = BrokerConnection.connect()) {
            if (broker.unregister(app.appId, taskId, cancel)) {
                return 0;
            }
            spec.commandLine().getErr().println("bgtask: " + app.appId + " has no task " + taskId);
            return 1;
        }
    }
}
