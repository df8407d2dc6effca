package dev.bgtasks.cli;

import dev.bgtasks.ipc.BrokerClient;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask cancel}: cancels an instance with ABORT. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel an instance (reason ABORT); killed with its whole tree if not done within its grace.")
final class CancelCommand implements Callable<Integer> {
    @Mixin
    AppOption app;
    @Option(names = "--instance", required = true, paramLabel = "ID", description = "The instance id.")
    UUID instanceId;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (BrokerClient broker = BrokerConnection.connect()) {
            if (broker.cancel(app.appId, instanceId)) {
                return 0;
            }
            spec.commandLine().getErr().println("bgtask: instance " + instanceId + " of " + app.appId
                    + " is not pending or running, or was already cancelled");
            return 1;
        }
    }
}
