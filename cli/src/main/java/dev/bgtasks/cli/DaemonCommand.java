package dev.bgtasks.cli;

import dev.bgtasks.broker.Retention;
import dev.bgtasks.daemon.BrokerDaemon;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerLog;
import dev.bgtasks.spi.HostPlatforms;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bgtask daemon}: the broker in the foreground, for service managers and debugging.
 *
 * <pre>{@code
 * bgtask daemon --keep-ended 20 --max-age 7d --log-file
 * }</pre>
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run the per-user broker in the foreground until SIGTERM or Ctrl-C.",
                "Uses the socket, database and log of this user (or of BGTASKS_HOME).",
                "It logs to stderr, or with --log-file to the broker log, rotated by size."},
        footer = {"", "Examples:", "  bgtask daemon", "  bgtask daemon --keep-ended 20 --max-age 7d",
                "  bgtask daemon --log-file --log-max-size 1M --log-files 2"})
final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--minimum-freshness", paramLabel = "DURATION",
            description = "Allow time and maintenance triggers a period below 15 minutes (test rigs only), e.g. 30s.")
    String minimumFreshness;

    @Mixin
    Settings settings = new Settings();

    @Override
    public Integer call() throws Exception {
        // Before the first logger: the provider and its file are chosen once per JVM.
        if (settings.logFile) {
            settings.brokerLog().systemProperties(BrokerLocation.forCurrentUser().logFile())
                    .forEach(System::setProperty);
        } else {
            System.setProperty(Bgtask.SLF4J_PROVIDER, Bgtask.SIMPLE_PROVIDER);
            // A broker log needs timestamps; a -D of the user's wins.
            BrokerLog.SIMPLE_TIMESTAMPS.forEach(DaemonCommand::setUnlessSet);
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        if (minimumFreshness != null) {
            env.put(BrokerDaemon.MINIMUM_FRESHNESS_VARIABLE,
                    Long.toString(Math.max(1, Units.duration(minimumFreshness).toSeconds())));
        }
        try (BrokerDaemon daemon = BrokerDaemon.start(BrokerLocation.forCurrentUser(), HostPlatforms.select(),
                env, settings.retention())) {
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "bgtask-daemon-stop"));
            daemon.awaitStop();
        }
        return 0;
    }

    /**
     * What the broker keeps and where it logs (SPEC B7); {@code bgtask service install} takes the same options and
     * writes the ones given into the service's command line.
     */
    static final class Settings {
        @Option(names = "--keep-ended", paramLabel = "N",
                description = "Ended runs kept per registration (default: " + Retention.DEFAULT_KEEP_ENDED + ").")
        Integer keepEnded;

        @Option(names = "--max-age", paramLabel = "DURATION",
                description = "How long an ended run is kept at most, also one no app has seen (default: 30d).")
        String maxAge;

        @Option(names = "--run-log-max", paramLabel = "SIZE",
                description = "The largest run log: its head and tail are kept, the cut marked (default: 1M).")
        String runLogMax;

        @Option(names = "--log-file",
                description = "Log to the broker log (see `bgtask doctor`) instead of stderr, rotated by size.")
        boolean logFile;

        @Option(names = "--log-max-size", paramLabel = "SIZE",
                description = "With --log-file: the size at which the broker log rotates (default: 10M).")
        String logMaxSize;

        @Option(names = "--log-files", paramLabel = "N",
                description = "With --log-file: how many broker log files are kept, the current one included "
                        + "(default: 3).")
        Integer logFiles;

        Retention retention() {
            Retention kept = Retention.DEFAULT;
            if (keepEnded != null) {
                kept = kept.withKeepEnded(keepEnded);
            }
            if (maxAge != null) {
                kept = kept.withMaxAge(Units.duration(maxAge));
            }
            if (runLogMax != null) {
                kept = kept.withRunLogMaxBytes(Units.bytes(runLogMax));
            }
            return kept;
        }

        BrokerLog brokerLog() {
            return new BrokerLog(logMaxSize == null ? BrokerLog.DEFAULT.maxFileBytes() : Units.bytes(logMaxSize),
                    logFiles == null ? BrokerLog.DEFAULT.files() : logFiles);
        }

        /** The options given, as {@code bgtask daemon} arguments; checked first, so a service never gets bad ones. */
        List<String> arguments() {
            retention();
            brokerLog();
            List<String> arguments = new ArrayList<>();
            add(arguments, "--keep-ended", keepEnded);
            add(arguments, "--max-age", maxAge);
            add(arguments, "--run-log-max", runLogMax);
            if (logFile) {
                arguments.add("--log-file");
            }
            add(arguments, "--log-max-size", logMaxSize);
            add(arguments, "--log-files", logFiles);
            return arguments;
        }

        private static void add(List<String> arguments, String option, Object value) {
            if (value != null) {
                arguments.add(option);
                arguments.add(value.toString());
            }
        }
    }

    private static void setUnlessSet(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
