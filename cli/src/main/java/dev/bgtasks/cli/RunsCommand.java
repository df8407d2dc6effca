package dev.bgtasks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.ipc.BrokerTreeClient;
import dev.bgtasks.ipc.WireRecords;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bgtask runs}: an app's instances, and what pending ones wait for. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List an app's task instances, newest first, with what a pending one waits for.")
final class RunsCommand implements Callable<Integer> {
    @Mixin
    AppOption app;
    @Option(names = "--json", description = "Print JSON: an array of instances (instanceId, taskId, state, outcome, "
            + "cancelReason, terminationReason, progress, exitCode, peakMemoryBytes, pid, requestedAt, startedAt, "
            + "endedAt, waitingFor, waitingForEnergySaver, waitingForHardware, waitingForFixtures, errorClass, errorMessage, result: the task's result map, attempt, nextAttemptAt).")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return run(app.appId, json, spec.commandLine().getOut());
    }

    /** The command itself, for this class's model and for {@link QuickCalls}' alike. */
    static int run(String appId, boolean json, PrintWriter out) {
        try (BrokerTreeClient broker = BrokerConnection.oneShot()) {
            JsonNode answer = broker.instances(appId);
            if (json) {
                TreeOutput.instances(out, answer);
                return 0;
            }
            List<InstanceInfo> runs = WireRecords.instances(answer);
            if (runs.isEmpty()) {
                out.println("no runs for " + appId);
            }
            for (InstanceInfo i : runs) {
                out.printf("%s  %-9s %-10s %3d%%  requested %s%n", i.instanceId(), i.state(),
                        i.outcome() == null ? "" : i.outcome(), i.progress(), i.requestedAt());
                describe(out, i);
            }
            out.flush();
            return 0;
        }
    }

    private static void describe(PrintWriter out, InstanceInfo i) {
        if (i.state() == InstanceState.PENDING) {
            out.println("    waiting for: " + String.join(", ", i.waitingForAll()));
        }
        if (i.attempt() > 1 || i.nextAttemptAt() != null) {
            out.println("    attempt " + i.attempt()
                    + (i.nextAttemptAt() == null ? "" : ", starts after its retry backoff at " + i.nextAttemptAt()));
        }
        if (i.pid() != null) {
            out.println("    pid " + i.pid() + ", started " + i.startedAt());
        }
        if (i.cancelReason() != null) {
            out.println("    cancelled: " + i.cancelReason());
        }
        if (i.terminationReason() != null) {
            out.println("    terminated: " + i.terminationReason());
        }
        if (i.errorMessage() != null) {
            out.println("    " + (i.errorClass() == null ? "" : i.errorClass() + ": ") + i.errorMessage());
        }
        if (i.result() != null) {
            out.println("    result: " + ValueMapCodec.decode(i.result()));
        }
        if (i.endedAt() != null) {
            out.println("    ended " + i.endedAt() + ", exit code " + Output.orDash(i.exitCode())
                    + ", peak memory " + Output.orDash(i.peakMemoryBytes()));
        }
    }
}
