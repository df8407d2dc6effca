package dev.bgtasks.cli;

import dev.bgtasks.HardwareCondition;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.ipc.BrokerTreeClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask tasks}: an app's registrations. */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "List an app's registered tasks.")
final class TasksCommand implements Callable<Integer> {
    @Mixin
    AppOption app;
    @Option(names = "--json", description = "Print JSON: an array of {taskId, appId, registeredAt, definition, nextFireAt}.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            return json(app.appId, out);
        }
        try (BrokerClient broker = BrokerConnection.connect()) {
            List<RegistrationInfo> tasks = broker.registrations(app.appId);
            if (tasks.isEmpty()) {
                out.println("no tasks registered for " + app.appId);
            }
            for (RegistrationInfo t : tasks) {
                var d = t.definition();
                String what = d.target() instanceof TaskTarget.JavaEntryPoint java ? java.className()
                        : String.join(" ", ((TaskTarget.Command) d.target()).argv());
                String trigger = d.trigger().firedByBroker() ? d.trigger().describe()
                        : d.triggerName().isEmpty() ? "(default)" : d.triggerName();
                out.printf("%s  %-24s trigger=%-10s %s%n", t.taskId(), d.name(), trigger, what);
                if (t.nextFireAt() != null) {
                    out.println("    next fire: " + t.nextFireAt());
                }
                if (!d.conditions().isEmpty()) {
                    out.println("    conditions: " + d.conditions().stream().map(SystemConditionType::kebabCase)
                            .collect(Collectors.joining(", "))
                            + (d.cancelOnConditionLoss() ? " (cancel on loss)" : ""));
                }
                if (!d.rig().hardwareConditions().isEmpty()) {
                    out.println("    hardware: " + d.rig().hardwareConditions().stream()
                            .map(HardwareCondition::spelling).collect(Collectors.joining(", "))
                            + (d.rig().bestEffortConditions() ? " (best effort)" : ""));
                }
                if (!d.rig().uses().isEmpty()) {
                    out.println("    uses: " + String.join(", ", d.rig().uses()));
                }
            }
            return 0;
        }
    }

    /** {@code --json}, for this class's model and for {@link QuickCalls}' alike: the wire's trees, no mapper. */
    static int json(String appId, PrintWriter out) {
        try (BrokerTreeClient broker = BrokerConnection.oneShot()) {
            TreeOutput.registrations(out, broker.registrations(appId));
            return 0;
        }
    }
}
