package dev.bgtasks.cli;

import dev.bgtasks.daemon.BrokerDaemon;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.spi.HostPlatforms;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bgtask daemon}: the broker in the foreground, for service managers and debugging. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run the per-user broker in the foreground until SIGTERM or Ctrl-C.",
                "Uses the socket, database and log of this user (or of BGTASKS_HOME)."})
final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--minimum-freshness", paramLabel = "DURATION",
            description = "Allow time and maintenance triggers a period below 15 minutes (test rigs only), e.g. 30s.")
    String minimumFreshness;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (minimumFreshness != null) {
            env.put(BrokerDaemon.MINIMUM_FRESHNESS_VARIABLE,
                    Long.toString(Math.max(1, Units.duration(minimumFreshness).toSeconds())));
        }
        try (BrokerDaemon daemon = BrokerDaemon.start(BrokerLocation.forCurrentUser(), HostPlatforms.select(),
                env)) {
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "bgtask-daemon-stop"));
            daemon.awaitStop();
        }
        return 0;
    }
}
