package dev.bgtasks.cli;

import dev.bgtasks.broker.AccessPolicy;
import dev.bgtasks.daemon.BrokerDaemon;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.ipc.BrokerTreeClient;
import dev.bgtasks.ipc.WireRecords;
import dev.bgtasks.launch.JavaStartArchives;
import dev.bgtasks.launch.JvmRuntime;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostPlatforms;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask doctor}: what this host gives bgtasks, and where everything is. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show the backend in use and why others are not, the mechanism per limit and the source per "
                + "signal, the socket, database, log and policy paths, the Java start archives, and whether the broker "
                + "answers.")
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut());
    }

    /** The command itself, for this class's model and for {@link QuickCalls}' alike. */
    static int run(PrintWriter out) {
        BrokerLocation where = BrokerLocation.forCurrentUser();
        out.print(platforms());
        out.println("socket:   " + where.socket());
        out.println("database: " + where.stateDirectory().resolve("bgtasks.db"));
        out.println("log:      " + where.logFile());
        Path policy = Optional.ofNullable(System.getenv(BrokerDaemon.POLICY_VARIABLE)).map(Path::of)
                .orElseGet(AccessPolicy::defaultFile);
        out.println("policy:   " + policy + (Files.exists(policy) ? "" : " (absent: denies nothing)")
                + AccessPolicy.check(policy).map(e -> "\n  ERROR: " + e + "\n  (SPEC A5: a broker keeps the last"
                        + " good policy it loaded; one that started with this file denies every app until it is"
                        + " fixed; fixing it takes effect at once)").orElse(""));
        // As the broker decides it; in a jpackage image from the app's own runtime, doctor shows the image too.
        out.println("java:     " + JvmRuntime.detect(null, System.getenv(), where.stateDirectory().resolve("launchers"))
                .describe());
        out.println("java start archives: " + ("off".equals(System.getenv(BrokerDaemon.JAVA_START_ARCHIVES_VARIABLE))
                ? "off (" + BrokerDaemon.JAVA_START_ARCHIVES_VARIABLE + "=off)"
                : JavaStartArchives.summary(where.javaStartArchiveDirectory())));
        out.println("broker:   " + brokerState(where, out));
        out.flush();
        return 0;
    }

    private static String platforms() {
        StringBuilder text = new StringBuilder("platforms:").append(System.lineSeparator());
        for (HostPlatform p : HostPlatforms.all()) {
            text.append("  ").append(p.name()).append(" (priority ").append(p.priority()).append("): ")
                    .append(p.isSupported() ? "supported" : "not supported: "
                            + p.unavailabilityCause().map(Throwable::getMessage).orElse("unknown"))
                    .append(System.lineSeparator());
        }
        return text.toString();
    }

    /** The broker's own view of its platform; starting none, since a doctor should not change what it examines. */
    private static String brokerState(BrokerLocation where, PrintWriter out) {
        BrokerTreeClient early;
        try {
            early = BrokerConnection.earlyIfConnected();
        } catch (RuntimeException e) {
            return "does not answer: " + e.getMessage();
        }
        if (early == null && !Files.exists(where.socket())) {
            return "not running (it starts on first use); would use: " + HostPlatforms.select().name();
        }
        try (BrokerTreeClient client = early != null ? early : BrokerTreeClient.connectOneShot(where.socket(),
                BrokerTreeClient.DEFAULT_DEADLINE)) {
            out.println("in use: " + client.describePlatform().textValue());
            return "answers (signals: " + WireRecords.signalSnapshot(client.signals()).known() + ")";
        } catch (IOException | RuntimeException e) {
            return "does not answer: " + e.getMessage();
        }
    }
}
