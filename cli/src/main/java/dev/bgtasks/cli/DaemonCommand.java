package dev.bgtasks.cli;

import dev.bgtasks.daemon.BrokerDaemon;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.spi.HostPlatforms;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bgtask daemon}: the broker in the foreground, for service managers and debugging. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run the per-user broker in the foreground until SIGTERM or Ctrl-C.",
                "Uses the socket, database and log of this user (or of BGTASKS_HOME)."})
final class DaemonCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        try (BrokerDaemon daemon = BrokerDaemon.start(BrokerLocation.forCurrentUser(), HostPlatforms.select())) {
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "bgtask-daemon-stop"));
            daemon.awaitStop();
        }
        return 0;
    }
}
