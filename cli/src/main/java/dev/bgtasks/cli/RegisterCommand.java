package dev.bgtasks.cli;

import dev.bgtasks.DeviceTrigger;
import dev.bgtasks.HardwareCondition;
import dev.bgtasks.RetryPolicy;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.SystemTriggerType;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.RigRequirements;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerSpec;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.ResourceLimits;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask register}: registers a task for an app and prints its task id. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Register a task for an app and print its task id.",
                "Either a Java entry point (--entry-point CLASS [--classpath CP]) or a program after '--'."},
        footer = {"", "Examples:",
                "  bgtask register --app com.example.notes --name sync --condition internet-available \\",
                "      --memory 256M --time-limit 10m -- rsync -a /home/me/notes /mnt/backup",
                "  bgtask register --app com.example.notes --name nightly --maintenance 24h \\",
                "      --condition free-network-available -- /usr/local/bin/backup",
                "  bgtask register --app com.example.notes --name upload --env NOTES_PROFILE=work \\",
                "      -- /usr/local/bin/notes-upload",
                "  bgtask register --app com.example.notes --name export --entry-point tasks.Export \\",
                "      --classpath app.jar",
                "  bgtask register --app com.example.rig --name capture --condition usb-device=1d6b:0002 \\",
                "      --condition cpu-temperature-below=70 --condition volume-mounted=/mnt/rig --uses scope-1 \\",
                "      -- /opt/rig/capture",
                "  bgtask register --app com.example.rig --name probe-in --on device-attached=1d6b:0002 \\",
                "      --also-detached -- /opt/rig/probe-changed"})
final class RegisterCommand implements Callable<Integer> {
    /** The device trigger's spelling after {@code --on} (SPEC H8). */
    private static final String DEVICE_ATTACHED = "device-attached=";
    @Mixin
    AppOption app;
    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, description = "The task's name.")
    String name;
    @Option(names = "--trigger", paramLabel = "SLOT", defaultValue = "",
            description = "The trigger slot (default: the app's default trigger).")
    String trigger;
    @Option(names = "--every", paramLabel = "DURATION",
            description = "A time trigger: run every DURATION (at least 15m), e.g. 6h (SPEC Y1).")
    String every;
    @Option(names = "--maintenance", paramLabel = "DURATION",
            description = "A maintenance trigger: every DURATION, only on AC power (SPEC Y2).")
    String maintenance;
    @Option(names = "--on", paramLabel = "TRANSITION",
            description = "A system trigger: internet-available, network-state-change, user-present, user-away, "
                    + "session-connected, power-state-change, background-work-cost-change, energy-saver-off (Y3); "
                    + "or a device trigger, device-attached=VID:PID[:SERIAL]: fires when a matching USB device is "
                    + "attached, with its identity in the arguments (H8).")
    String on;
    @Option(names = "--also-detached",
            description = "With --on device-attached=...: fire when a matching device is detached, too.")
    boolean alsoDetached;
    @Option(names = "--one-shot", description = "With --every, --maintenance or --on: fire once only.")
    boolean oneShot;
    @Option(names = "--condition", paramLabel = "TYPE",
            description = "A condition, AND-ed with the others: internet-available, internet-not-available, "
                    + "free-network-available, user-present, user-not-present, session-connected, "
                    + "session-disconnected, background-work-cost-not-high, on-ac-power, battery-not-low, "
                    + "storage-not-low; or a hardware condition (SPEC H1): usb-device=VID:PID[:SERIAL], "
                    + "volume-mounted=MOUNT_POINT|LABEL, interface-up=NAME, cpu-temperature-below=CELSIUS, "
                    + "cpu-idle-above=PERCENT.")
    List<String> conditions = new ArrayList<>();
    @Option(names = "--best-effort-conditions",
            description = "Accept hardware conditions this host can never read (they wait for a simulation).")
    boolean bestEffortConditions;
    @Option(names = "--uses", paramLabel = "FIXTURE",
            description = "A shared fixture the task uses: at most one running task per fixture across the broker, "
                    + "the others wait in request order (SPEC F1), e.g. scope-1.")
    List<String> uses = new ArrayList<>();
    @Option(names = "--cancel-on-condition-loss", description = "Cancel a running instance when a condition fails.")
    boolean cancelOnConditionLoss;
    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit of the task tree, e.g. 256M.")
    String memory;
    @Option(names = "--time-limit", paramLabel = "DURATION", description = "Wall-clock budget, e.g. 10m.")
    String timeLimit;
    @Option(names = "--max-processes", paramLabel = "N", description = "Processes and threads of the task tree.")
    Integer maxProcesses;
    @Option(names = "--best-effort-limits",
            description = "Accept limits this host can only watch, not enforce.")
    boolean bestEffortLimits;
    @Option(names = "--grace", paramLabel = "DURATION", description = "Time to finish after a cancel (default 5s).")
    String grace;
    @Option(names = "--retry", paramLabel = "BACKOFF,INITIAL,MAX,ATTEMPTS[,launch-failed][,broker-lost]",
            description = "Retry policy (SPEC P1), e.g. exponential,30s,10m,5 or linear,1m,5m,3,launch-failed: "
                    + "a Java task's requestRetry() or a command's exit 75 runs the instance again after the backoff.")
    String retry;
    @Option(names = "--entry-point", paramLabel = "CLASS", description = "A class implementing BackgroundTask.")
    String entryPoint;
    @Option(names = "--classpath", paramLabel = "CP", description = "The entry point's classpath.")
    String classpath;
    @Option(names = "--jvm-option", paramLabel = "OPTION",
            description = "An option of the Java task's JVM, e.g. --jvm-option=-Xmx64m (repeatable); the broker refuses "
                    + "options that defeat the sandbox or change what the JVM loads.")
    List<String> jvmOptions = new ArrayList<>();
    @Option(names = "--env", paramLabel = "NAME=VALUE",
            description = "A variable added to the task's environment; repeatable. A task gets the user's base "
                    + "environment (identity, directories, PATH, locale), never this shell's: what it needs goes "
                    + "here. BGTASKS_* and loader variables (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, DYLD_*) are "
                    + "refused; at most 256 variables, 32 KiB in all.")
    List<String> environment = new ArrayList<>();
    @Option(names = "--session",
            description = "Give the task the desktop session's display and bus variables (DISPLAY, "
                    + "WAYLAND_DISPLAY, DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR, ...), as a user or session "
                    + "condition does.")
    boolean session;
    @Option(names = "--no-standby",
            description = "Never keep a standby task host for this Java task (SPEC W2): its JVM always starts at "
                    + "the trigger.")
    boolean noStandby;
    @Parameters(paramLabel = "PROGRAM", arity = "0..*", description = "The program and its arguments, after '--'.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        if ((entryPoint == null) == command.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give either --entry-point CLASS or '-- PROGRAM ARGS...', not both and not neither");
        }
        if (entryPoint == null && !jvmOptions.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jvm-option goes with --entry-point");
        }
        if (entryPoint == null && noStandby) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--no-standby goes with --entry-point");
        }
        TaskTarget target = entryPoint != null
                ? new TaskTarget.JavaEntryPoint(entryPoint, classpathEntries(), null, jvmOptions, noStandby)
                : new TaskTarget.Command(command);
        Set<SystemConditionType> types = EnumSet.noneOf(SystemConditionType.class);
        List<HardwareCondition> hardware = new ArrayList<>();
        for (String condition : conditions) {
            if (HardwareCondition.isHardware(condition)) {
                hardware.add(HardwareCondition.parse(condition));
            } else {
                types.add(SystemConditionType.fromKebabCase(condition));
            }
        }
        ResourceLimits limits = new ResourceLimits(memory == null ? null : Units.bytes(memory), maxProcesses,
                timeLimit == null ? null : Units.duration(timeLimit));
        TaskDefinition definition = new TaskDefinition(name, trigger, target, types, cancelOnConditionLoss, limits,
                bestEffortLimits, grace == null ? null : Units.duration(grace),
                Path.of("").toAbsolutePath().toString(), triggerSpec(), environmentVariables(), session,
                new RigRequirements(hardware, Set.copyOf(uses), bestEffortConditions), retryPolicy());
        try (BrokerClient broker = BrokerConnection.connect()) {
            RegistrationInfo info = broker.register(app.appId, definition);
            spec.commandLine().getOut().println(info.taskId());
            return 0;
        }
    }

    private RetryPolicy retryPolicy() {
        if (retry == null) {
            return null;
        }
        String[] parts = retry.split(",");
        if (parts.length < 4) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--retry " + retry
                    + " is not BACKOFF,INITIAL,MAX,ATTEMPTS: e.g. exponential,30s,10m,5");
        }
        RetryPolicy policy;
        try {
            policy = new RetryPolicy(RetryPolicy.Backoff.valueOf(parts[0].trim().toUpperCase(Locale.ROOT)),
                    Units.duration(parts[1].trim()), Units.duration(parts[2].trim()), Integer.parseInt(parts[3].trim()),
                    false, false);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--retry " + retry + ": "
                    + e.getMessage() + " (BACKOFF is linear or exponential)");
        }
        for (int i = 4; i < parts.length; i++) {
            switch (parts[i].trim()) {
                case "launch-failed" -> policy = policy.retryingLaunchFailures();
                case "broker-lost" -> policy = policy.retryingBrokerLost();
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "--retry: unknown flag "
                        + parts[i] + "; launch-failed or broker-lost");
            }
        }
        return policy;
    }

    private TriggerSpec triggerSpec() {
        int given = (every != null ? 1 : 0) + (maintenance != null ? 1 : 0) + (on != null ? 1 : 0);
        if (given > 1 || given == 1 && !trigger.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give at most one of --trigger, --every, --maintenance and --on");
        }
        if (alsoDetached && (on == null || !on.trim().startsWith(DEVICE_ATTACHED))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--also-detached goes with --on " + DEVICE_ATTACHED + "VID:PID[:SERIAL]");
        }
        if (given == 0) {
            if (oneShot) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--one-shot goes with --every, --maintenance or --on");
            }
            return TriggerSpec.APPLICATION;
        }
        if (every != null) {
            return TriggerSpec.time(Units.duration(every), oneShot);
        }
        if (maintenance != null) {
            return TriggerSpec.maintenance(Units.duration(maintenance), oneShot);
        }
        if (on.trim().startsWith(DEVICE_ATTACHED)) {
            try {
                return TriggerSpec.device(new DeviceTrigger(on.trim().substring(DEVICE_ATTACHED.length()), false,
                        false).usbDevice(), alsoDetached, oneShot);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--on " + on + ": " + e.getMessage());
            }
        }
        try {
            return TriggerSpec.system(SystemTriggerType.valueOf(on.trim().toUpperCase(Locale.ROOT).replace('-', '_')),
                    oneShot);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--on " + on + " is not a transition; "
                    + "see bgtask register --help");
        }
    }

    /** {@code --env NAME=VALUE}, split at the first '=' so a value may hold more; the broker checks the rest. */
    private Map<String, String> environmentVariables() {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String pair : environment) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--env " + pair
                        + " is not NAME=VALUE" + (eq == 0 ? ": the name is empty" : ": it has no '='"));
            }
            if (variables.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--env " + pair.substring(0, eq)
                        + " is given twice");
            }
        }
        return variables;
    }

    private List<String> classpathEntries() {
        List<String> entries = new ArrayList<>();
        String cp = classpath != null ? classpath : System.getProperty("java.class.path");
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return entries;
    }
}
