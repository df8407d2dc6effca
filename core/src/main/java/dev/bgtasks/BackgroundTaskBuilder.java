package dev.bgtasks;

import dev.bgtasks.broker.RigRequirements;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerSpec;
import dev.bgtasks.launch.RunningModules;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.task.BackgroundTask;
import java.io.File;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Describes a background task and registers it (UWP {@code BackgroundTaskBuilder}). Everything is checked at
 * {@link #register()}: a bad registration throws and stores nothing (SPEC R1).
 *
 * <pre>{@code
 * BackgroundTaskRegistration reg = bg.newTask()
 *         .name("Export notes")
 *         .taskEntryPoint("tasks.ExportTask")            // or .command(List.of("rsync", "-a", src, dst))
 *         .setTrigger(bg.applicationTrigger())
 *         .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
 *         .addCondition(HardwareCondition.usbDevice("1d6b:0002"))   // a rig: device attached,
 *         .uses("scope-1")                                         // and the scope to itself
 *         .cancelOnConditionLoss(true)
 *         .limits(ResourceLimits.builder().memoryBytes(256L << 20).build())
 *         .environment(Map.of("NOTES_PROFILE", "work"))       // added to the task's base environment
 *         .register();
 * }</pre>
 */
public final class BackgroundTaskBuilder {
    private final BackgroundTasks owner;
    private String name;
    private String entryPoint;
    private List<String> classpath;
    private List<String> command;
    private ApplicationTrigger trigger;
    private BackgroundTrigger brokerTrigger;
    private final Set<SystemConditionType> conditions = EnumSet.noneOf(SystemConditionType.class);
    private final Set<HardwareCondition> hardwareConditions = new LinkedHashSet<>();
    private final Set<String> uses = new TreeSet<>();
    private boolean bestEffortConditions;
    private boolean cancelOnConditionLoss;
    private ResourceLimits limits = ResourceLimits.defaults();
    private boolean bestEffortLimits;
    private Duration cancellationGrace = TaskDefinition.DEFAULT_GRACE;
    private Path workingDirectory = Path.of(System.getProperty("user.dir"));
    private RetryPolicy retryPolicy;
    private List<String> jvmOptions = List.of();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean sessionEnvironment;
    private boolean standby = true;

    BackgroundTaskBuilder(BackgroundTasks owner) {
        this.owner = owner;
    }

    /**
     * The task's name, unique within the app (SPEC R6); required.
     *
     * @param taskName not blank, at most 256 characters, no control characters
     * @return this builder
     */
    public BackgroundTaskBuilder name(String taskName) {
        this.name = taskName;
        return this;
    }

    /**
     * A class implementing {@code dev.bgtasks.task.BackgroundTask}, run in its own JVM.
     *
     * @param className a fully qualified class name with a public no-argument constructor
     * @return this builder
     */
    public BackgroundTaskBuilder taskEntryPoint(String className) {
        this.entryPoint = className;
        return this;
    }

    /**
     * The entry point's classpath; by default the registering JVM's own.
     *
     * @param entries jar files and class directories, in order
     * @return this builder
     */
    public BackgroundTaskBuilder classpath(List<Path> entries) {
        this.classpath = entries.stream().map(Path::toString).toList();
        return this;
    }

    /**
     * A program and its arguments, run without a shell (SPEC S3).
     *
     * @param argv the program (a path or a name found on {@code PATH}) and its arguments; not empty
     * @return this builder
     */
    public BackgroundTaskBuilder command(List<String> argv) {
        this.command = List.copyOf(argv);
        return this;
    }

    /**
     * The trigger that starts the task: the app's default one or a named one (SPEC R3); required.
     *
     * @param applicationTrigger a trigger of the same app
     * @return this builder
     */
    public BackgroundTaskBuilder setTrigger(ApplicationTrigger applicationTrigger) {
        this.trigger = applicationTrigger;
        this.brokerTrigger = null;
        return this;
    }

    /**
     * A trigger the broker fires by itself: a {@link TimeTrigger}, a {@link MaintenanceTrigger}, a
     * {@link SystemTrigger} or a {@link DeviceTrigger} (SPEC Y1–Y3, H8). The registration gets a trigger slot of its
     * own.
     *
     * @param backgroundTrigger the trigger; replaces an application trigger set before
     * @return this builder
     */
    public BackgroundTaskBuilder setTrigger(BackgroundTrigger backgroundTrigger) {
        this.brokerTrigger = Objects.requireNonNull(backgroundTrigger, "trigger");
        this.trigger = null;
        return this;
    }

    /**
     * Adds an AND-ed condition (SPEC R7).
     *
     * @param condition a condition that must hold for the task to start
     * @return this builder
     */
    public BackgroundTaskBuilder addCondition(SystemCondition condition) {
        conditions.add(Objects.requireNonNull(condition, "condition").conditionType());
        return this;
    }

    /**
     * Adds an AND-ed hardware condition: a USB device attached, a volume mounted, an interface up, the CPU cool or
     * idle enough (SPEC H1). {@code register()} fails for one this platform can never read (H2), unless
     * {@link #bestEffortConditions()}.
     *
     * @param condition a condition that must hold for the task to start
     * @return this builder
     */
    public BackgroundTaskBuilder addCondition(HardwareCondition condition) {
        hardwareConditions.add(Objects.requireNonNull(condition, "condition"));
        return this;
    }

    /**
     * Accepts hardware conditions this platform can never read: they stay unknown, so the task waits until a
     * simulation ({@code bgtask simulate}) says they hold (SPEC H2).
     *
     * @return this builder
     */
    public BackgroundTaskBuilder bestEffortConditions() {
        this.bestEffortConditions = true;
        return this;
    }

    /**
     * Names a shared fixture the task uses: at most one instance that uses it runs at a time, across every
     * registration and app of the broker; the others wait, pending, in request order (SPEC F1, F2).
     *
     * @param resource 1 to 64 letters, digits, '.', '_', ':' or '-', e.g. {@code scope-1}
     * @return this builder
     */
    public BackgroundTaskBuilder uses(String resource) {
        uses.add(Objects.requireNonNull(resource, "resource"));
        return this;
    }

    /**
     * Cancel a running instance with {@code CONDITION_LOSS} when a condition turns false (SPEC X8).
     *
     * @param cancel true to cancel on loss; by default the instance keeps running
     * @return this builder
     */
    public BackgroundTaskBuilder cancelOnConditionLoss(boolean cancel) {
        this.cancelOnConditionLoss = cancel;
        return this;
    }

    /**
     * Memory, process and wall-clock limits of the task's whole process tree (SPEC X7, X10, X12).
     *
     * @param resourceLimits the limits; see {@link ResourceLimits#builder()}
     * @return this builder
     */
    public BackgroundTaskBuilder limits(ResourceLimits resourceLimits) {
        this.limits = Objects.requireNonNull(resourceLimits, "limits");
        return this;
    }

    /**
     * Accepts limits this platform can only watch, not enforce (SPEC R9).
     *
     * @return this builder
     */
    public BackgroundTaskBuilder bestEffortLimits() {
        this.bestEffortLimits = true;
        return this;
    }

    /**
     * How long a cancelled task has to finish before its tree is killed; 5 seconds by default (SPEC X6).
     *
     * @param grace how long the task has between its cancellation and the kill
     * @return this builder
     */
    public BackgroundTaskBuilder cancellationGrace(Duration grace) {
        this.cancellationGrace = Objects.requireNonNull(grace, "grace");
        return this;
    }

    /**
     * The task's working directory; by default the registering JVM's.
     *
     * @param dir an existing directory
     * @return this builder
     */
    public BackgroundTaskBuilder workingDirectory(Path dir) {
        this.workingDirectory = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /**
     * Runs an instance again, as a new attempt, when an attempt asks for it or, as the policy says, could not start
     * or was lost with the broker (SPEC P1). Without a policy every instance has one attempt.
     *
     * @param policy e.g. {@code RetryPolicy.exponential(Duration.ofSeconds(30), Duration.ofMinutes(10), 5)}
     * @return this builder
     */
    public BackgroundTaskBuilder retryPolicy(RetryPolicy policy) {
        this.retryPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Variables added to the task's environment (SPEC S5). A task gets a documented base (the user's identity and
     * directories, {@code PATH}, locale, bgtasks' own {@code BGTASKS_*}), never this app's environment: what the task
     * needs from the app goes here, explicitly. Calls add up; a later value for a name replaces an earlier one.
     *
     * @param variables names and values; checked at {@link #register()}: at most 256 variables and 32 KiB in all,
     *     names not empty and without {@code '='} or NUL, and no {@code BGTASKS_*} or loader variables
     *     ({@code LD_PRELOAD}, {@code LD_LIBRARY_PATH}, {@code LD_AUDIT}, {@code DYLD_*})
     * @return this builder
     */
    public BackgroundTaskBuilder environment(Map<String, String> variables) {
        environment.putAll(Objects.requireNonNull(variables, "variables"));
        return this;
    }

    /**
     * Options of a Java task's JVM, for tuning and diagnosing it: e.g. {@code -Xmx64m},
     * {@code -XX:+DisableAttachMechanism}, {@code -Dapp.trace=true}, {@code -Xlog:gc}. The broker refuses, at
     * {@code register()}, any option that would defeat the sandbox or change what the JVM loads: a heap larger than
     * the memory limit allows, the classpath or modules, agents (attach a debugger with
     * {@code bgtask trigger --debug}), argument files, commands run on errors.
     *
     * @param options the options, in order; empty by default
     * @return this builder
     */
    public BackgroundTaskBuilder jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /**
     * Gives the task the desktop session's display and bus variables ({@code DISPLAY}, {@code WAYLAND_DISPLAY},
     * {@code DBUS_SESSION_BUS_ADDRESS}, {@code XDG_RUNTIME_DIR}, ...), as a task with a user or session condition
     * gets anyway: for a task that shows a notification or talks to the session bus.
     *
     * @param session true to give it the session's variables; by default only session conditions do
     * @return this builder
     */
    public BackgroundTaskBuilder sessionEnvironment(boolean session) {
        this.sessionEnvironment = session;
        return this;
    }

    /**
     * SPEC W2: whether the broker may keep a standby task host for this Java task, a JVM started in its sandbox and
     * waiting, so that a trigger runs it without a JVM start. Allowed by default; a task whose first instruction
     * must see the world as it is at the trigger (a classpath rebuilt in place, say) opts out.
     *
     * @param allowed false to always start the task's JVM at its trigger
     * @return this builder
     */
    public BackgroundTaskBuilder standby(boolean allowed) {
        this.standby = allowed;
        return this;
    }

    String name() {
        return name;
    }

    /**
     * Registers the task.
     *
     * @return the new registration, already in the broker's store
     * @throws InvalidRegistrationException naming the field and the rule; nothing is stored (SPEC R1, R7, R9)
     * @throws IllegalStateException when access is denied (R2) or the trigger is already registered (R3)
     */
    public BackgroundTaskRegistration register() {
        return owner.register(definition());
    }

    TaskDefinition definition() {
        if (trigger == null && brokerTrigger == null) {
            throw new InvalidRegistrationException("trigger",
                    "a task needs a trigger: call setTrigger(bg.applicationTrigger())");
        }
        if (trigger != null && !trigger.owner().appId().equals(owner.appId())) {
            throw new InvalidRegistrationException("trigger",
                    "the trigger belongs to app " + trigger.owner().appId() + ", not " + owner.appId());
        }
        if (!jvmOptions.isEmpty() && command != null) {
            throw new InvalidRegistrationException("jvmOptions", "are for a Java entry point, not a command");
        }
        if (entryPoint != null && command != null) {
            throw new InvalidRegistrationException("taskEntryPoint",
                    "set either an entry point class or a command, not both");
        }
        TaskTarget target = null;
        if (entryPoint != null) {
            TaskTarget.JavaEntryPoint java = classpath != null ? new TaskTarget.JavaEntryPoint(entryPoint, classpath)
                    : defaultJavaTarget(entryPoint);
            target = java.withJvmOptions(jvmOptions).withStandby(standby);
        } else if (command != null) {
            target = new TaskTarget.Command(command);
        }
        // A broker-fired trigger's slot is named by the broker when it stores the registration.
        return new TaskDefinition(name, trigger != null ? trigger.name() : "", target, conditions,
                cancelOnConditionLoss, limits, bestEffortLimits, cancellationGrace,
                workingDirectory.toAbsolutePath().toString(), triggerSpec(), environment, sessionEnvironment,
                new RigRequirements(List.copyOf(hardwareConditions), uses, bestEffortConditions), retryPolicy);
    }

    private TriggerSpec triggerSpec() {
        if (brokerTrigger == null) {
            return TriggerSpec.APPLICATION;
        }
        if (brokerTrigger instanceof TimeTrigger time) {
            return TriggerSpec.time(time.freshness(), time.oneShot());
        }
        if (brokerTrigger instanceof MaintenanceTrigger maintenance) {
            return TriggerSpec.maintenance(maintenance.freshness(), maintenance.oneShot());
        }
        if (brokerTrigger instanceof DeviceTrigger device) {
            return TriggerSpec.device(device.usbDevice(), device.onDetach(), device.oneShot());
        }
        SystemTrigger system = (SystemTrigger) brokerTrigger;
        return TriggerSpec.system(system.type(), system.oneShot());
    }

    /**
     * Where the task JVM finds the entry point when the app did not say: where this JVM has it. An app on the module
     * path (or in a jlink image) that has the class in a named module runs it from that module, on this JVM's module
     * path; any other app runs it on this JVM's classpath.
     */
    private static TaskTarget.JavaEntryPoint defaultJavaTarget(String className) {
        Module core = BackgroundTaskBuilder.class.getModule();
        if (core.isNamed()) {
            Optional<Class<?>> type = loadWithoutInitializing(className);
            if (type.isPresent() && type.get().getModule().isNamed()) {
                Module module = type.get().getModule();
                String packageName = type.get().getPackageName();
                if (!module.isExported(packageName, core) && !module.isOpen(packageName, core)) {
                    throw new InvalidRegistrationException("taskEntryPoint", "module " + module.getName()
                            + " does not export " + packageName + " to " + core.getName()
                            + ", so the task host cannot create " + className + ": add 'exports " + packageName
                            + " to " + core.getName() + ";' to its module-info");
                }
                requireTaskClass(type.get());
                return new TaskTarget.JavaEntryPoint(className, RunningModules.modulePath(module), module.getName());
            }
        }
        return new TaskTarget.JavaEntryPoint(className, defaultClasspath());
    }

    /** What the broker checks on a classpath; a module it reads as descriptors only, so the app checks the class. */
    private static void requireTaskClass(Class<?> type) {
        if (!BackgroundTask.class.isAssignableFrom(type)) {
            throw new InvalidRegistrationException("taskEntryPoint",
                    type.getName() + " does not implement " + BackgroundTask.class.getName());
        }
        int modifiers = type.getModifiers();
        boolean publicConstructor;
        try {
            publicConstructor = Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            publicConstructor = false;
        }
        if (!Modifier.isPublic(modifiers) || Modifier.isAbstract(modifiers) || !publicConstructor) {
            throw new InvalidRegistrationException("taskEntryPoint",
                    type.getName() + " must be a public, concrete class with a public constructor without arguments");
        }
    }

    private static Optional<Class<?>> loadWithoutInitializing(String className) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return Optional.of(Class.forName(className, false,
                    loader != null ? loader : ClassLoader.getSystemClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            // The broker names what is wrong with the entry point when it checks the registration.
            return Optional.empty();
        }
    }

    private static List<String> defaultClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            // The JVM skips entries that do not exist (build tools list some); so does the task's classpath.
            if (!entry.isBlank() && Files.exists(Path.of(entry))) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return entries;
    }
}
