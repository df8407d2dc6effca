package dev.bgtasks.broker;

import dev.bgtasks.HardwareCondition;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.TaskEnvironment;
import dev.bgtasks.task.BackgroundTask;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a registration before anything is stored (SPEC R1, R7, R9, S5), so a bad one fails with the field and the
 * rule named, never later at run time.
 */
final class RegistrationValidator {
    static final int MAX_NAME_LENGTH = 256;
    static final Duration MAX_GRACE = Duration.ofMinutes(10);
    /** A registration's own variables: at most this many... */
    static final int MAX_ENVIRONMENT_ENTRIES = 256;
    /** ...of at most this many bytes in all, each counted as {@code NAME=VALUE} and its terminating NUL. */
    static final int MAX_ENVIRONMENT_BYTES = 32 * 1024;
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern TRIGGER_NAME = Pattern.compile("[A-Za-z0-9._-]{0,64}");
    private static final Pattern JAVA_CLASS_NAME =
            Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
                    + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

    private final Map<String, String> environment;

    /** @param environment the broker's environment, whose {@code PATH} finds command programs */
    RegistrationValidator(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    static String requireAppId(String appId) {
        if (appId == null || !APP_ID.matcher(appId).matches()) {
            throw new IllegalArgumentException("app id " + quote(appId)
                    + " is not valid: 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return appId;
    }

    static String requireTriggerName(String triggerName) {
        if (triggerName == null || !TRIGGER_NAME.matcher(triggerName).matches()) {
            throw new InvalidRegistrationException("trigger", "trigger name " + quote(triggerName)
                    + " is not valid: up to 64 letters, digits, '.', '_' or '-' (\"\" is the default trigger)");
        }
        return triggerName;
    }

    void validate(TaskDefinition definition, SandboxCapabilities capabilities) {
        validateName(definition.name());
        if (definition.triggerName() == null) {
            throw new InvalidRegistrationException("trigger",
                    "a task needs a trigger: call setTrigger(bg.applicationTrigger())");
        }
        if (!definition.trigger().firedByBroker()) {
            requireTriggerName(definition.triggerName());
        }
        validateTarget(definition.target());
        if (definition.target() instanceof TaskTarget.JavaEntryPoint java) {
            JvmOptionRules.check(java.jvmOptions(), definition.limits().memoryBytes());
        }
        ConditionRules.validate(definition.conditions());
        validateLimits(definition.limits(), definition.bestEffortLimits(), capabilities);
        Duration grace = definition.cancellationGrace();
        if (grace.isNegative() || grace.isZero() || grace.compareTo(MAX_GRACE) > 0) {
            throw new InvalidRegistrationException("cancellationGrace",
                    "must be more than 0 and at most " + MAX_GRACE + ", got " + grace);
        }
        if (definition.workingDirectory() != null && !Files.isDirectory(Path.of(definition.workingDirectory()))) {
            throw new InvalidRegistrationException("workingDirectory",
                    definition.workingDirectory() + " is not a directory");
        }
        validateEnvironment(definition.environment());
    }

    /** SPEC S5: well-formed, bounded, and none of bgtasks' own or the loader's variables. */
    static void validateEnvironment(Map<String, String> environment) {
        if (environment.size() > MAX_ENVIRONMENT_ENTRIES) {
            throw new InvalidRegistrationException("environment", "at most " + MAX_ENVIRONMENT_ENTRIES
                    + " variables, got " + environment.size());
        }
        long bytes = 0;
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name == null || name.isEmpty()) {
                throw new InvalidRegistrationException("environment", "a variable name is empty");
            }
            if (name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new InvalidRegistrationException("environment", "variable name " + quote(name.replace('\0', '?'))
                        + " contains '=' or a NUL character");
            }
            if (value == null || value.indexOf('\0') >= 0) {
                throw new InvalidRegistrationException("environment", "the value of " + name
                        + (value == null ? " is null" : " contains a NUL character"));
            }
            TaskEnvironment.refusal(name).ifPresent(rule -> {
                throw new InvalidRegistrationException("environment", rule);
            });
            bytes += name.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length + 2;
        }
        if (bytes > MAX_ENVIRONMENT_BYTES) {
            throw new InvalidRegistrationException("environment", "at most " + MAX_ENVIRONMENT_BYTES
                    + " bytes of NAME=VALUE entries in all, got " + bytes);
        }
    }

    /** SPEC Y1–Y3: a period no shorter than the broker allows, a system trigger's transition named. */
    static void validateTrigger(TriggerSpec trigger, Duration minimumFreshness) {
        if (trigger.scheduled()) {
            Duration freshness = trigger.freshness();
            if (freshness == null || freshness.compareTo(minimumFreshness) < 0) {
                throw new InvalidRegistrationException("trigger", "freshness " + freshness
                        + " is shorter than the " + minimumFreshness + " this broker allows"
                        + " (a test rig may allow shorter: bgtask daemon --minimum-freshness)");
            }
        } else if (trigger.kind() == TriggerSpec.Kind.SYSTEM && trigger.systemType() == null) {
            throw new InvalidRegistrationException("trigger", "a system trigger needs a type");
        } else if (trigger.kind() == TriggerSpec.Kind.DEVICE) {
            validateDevice(trigger.device());
        }
    }

    /** SPEC H8: a device trigger names its device as a {@code usb-device} condition does, in canonical spelling. */
    private static void validateDevice(String device) {
        String canonical;
        try {
            canonical = device == null ? null : HardwareCondition.usbDevice(device).argument();
        } catch (IllegalArgumentException e) {
            throw new InvalidRegistrationException("trigger", "a device trigger's device: " + e.getMessage());
        }
        if (canonical == null || !canonical.equals(device)) {
            throw new InvalidRegistrationException("trigger", "a device trigger needs a device VENDOR:PRODUCT[:SERIAL]"
                    + " in lower-case hex, got " + (device == null ? "none" : "'" + device + "'"));
        }
    }

    private static void validateName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidRegistrationException("name", "a task needs a name that is not blank");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidRegistrationException("name",
                    "at most " + MAX_NAME_LENGTH + " characters, got " + name.length());
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRegistrationException("name", "control characters are not allowed");
        }
    }

    private void validateTarget(TaskTarget target) {
        if (target == null) {
            throw new InvalidRegistrationException("taskEntryPoint",
                    "a task needs an entry point class or a command (taskEntryPoint(...) or command(...))");
        }
        if (target instanceof TaskTarget.JavaEntryPoint java) {
            validateEntryPoint(java);
        } else if (target instanceof TaskTarget.Command command) {
            validateCommand(command.argv());
        }
    }

    private static void validateEntryPoint(TaskTarget.JavaEntryPoint java) {
        String className = java.className();
        if (className == null || !JAVA_CLASS_NAME.matcher(className).matches()) {
            throw new InvalidRegistrationException("taskEntryPoint",
                    quote(className) + " is not a Java class name");
        }
        if (java.module() != null) {
            ModuleEntryPointCheck.validate(java);
            return;
        }
        if (java.classpath().isEmpty()) {
            throw new InvalidRegistrationException("classpath", "is empty");
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : java.classpath()) {
            urls.add(classpathUrl(entry));
        }
        // An isolated loader: the class must be found on the task's own classpath, not on the broker's.
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            Class<?> taskInterface = load(loader, BackgroundTask.class.getName(), "classpath",
                    "does not contain bgtasks-core (" + BackgroundTask.class.getName() + " is not on it)");
            Class<?> taskClass = load(loader, className, "taskEntryPoint",
                    "class " + className + " is not on the classpath " + java.classpath());
            if (!taskInterface.isAssignableFrom(taskClass)) {
                throw new InvalidRegistrationException("taskEntryPoint",
                        className + " does not implement " + BackgroundTask.class.getName());
            }
            int modifiers = taskClass.getModifiers();
            if (!Modifier.isPublic(modifiers) || Modifier.isAbstract(modifiers) || taskClass.isInterface()) {
                throw new InvalidRegistrationException("taskEntryPoint",
                        className + " must be a public, concrete class");
            }
            requirePublicNoArgConstructor(taskClass);
        } catch (IOException e) {
            throw new InvalidRegistrationException("classpath", "cannot be read: " + e.getMessage());
        }
    }

    private static void requirePublicNoArgConstructor(Class<?> taskClass) {
        try {
            Constructor<?> constructor = taskClass.getConstructor();
            if (!Modifier.isPublic(constructor.getModifiers())) {
                throw new NoSuchMethodException();
            }
        } catch (NoSuchMethodException | LinkageError e) {
            throw new InvalidRegistrationException("taskEntryPoint",
                    taskClass.getName() + " needs a public constructor without arguments");
        }
    }

    private static Class<?> load(ClassLoader loader, String className, String field, String rule) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidRegistrationException(field, rule);
        }
    }

    private static URL classpathUrl(String entry) {
        try {
            Path path = Path.of(entry);
            if (!Files.exists(path)) {
                throw new InvalidRegistrationException("classpath", "entry " + entry + " does not exist");
            }
            return path.toUri().toURL();
        } catch (InvalidPathException | MalformedURLException e) {
            throw new InvalidRegistrationException("classpath", "entry " + quote(entry) + " is not a path");
        }
    }

    private void validateCommand(List<String> argv) {
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new InvalidRegistrationException("command", "needs a program");
        }
        for (String arg : argv) {
            if (arg.indexOf('\0') >= 0) {
                throw new InvalidRegistrationException("command", "arguments cannot contain NUL characters");
            }
        }
        String program = argv.get(0);
        if (resolveProgram(program).isEmpty()) {
            throw new InvalidRegistrationException("command", "program " + quote(program)
                    + " is not found" + (program.contains(File.separator) ? "" : " on the PATH")
                    + " or is not executable");
        }
    }

    /** The executable a command's program names, found like a shell would but without one (SPEC S3). */
    Optional<Path> resolveProgram(String program) {
        try {
            if (program.contains("/") || program.contains(File.separator)) {
                Path path = Path.of(program);
                return isExecutableFile(path) ? Optional.of(path) : Optional.empty();
            }
            String pathVariable = environment.getOrDefault("PATH", environment.getOrDefault("Path", ""));
            for (String dir : pathVariable.split(Pattern.quote(File.pathSeparator))) {
                if (dir.isEmpty()) {
                    continue;
                }
                for (String suffix : executableSuffixes()) {
                    Path candidate = Path.of(dir, program + suffix);
                    if (isExecutableFile(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private List<String> executableSuffixes() {
        if (File.separatorChar != '\\') {
            return List.of("");
        }
        List<String> suffixes = new ArrayList<>(List.of(""));
        for (String ext : environment.getOrDefault("PATHEXT", ".COM;.EXE;.BAT;.CMD").split(";")) {
            suffixes.add(ext);
        }
        return suffixes;
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    private static void validateLimits(ResourceLimits limits, boolean bestEffort, SandboxCapabilities capabilities) {
        if (limits.memoryLimit().isPresent()) {
            requireEnforceable("limits.memoryBytes", "memory limit", capabilities.memory(),
                    capabilities.memoryMechanism(), bestEffort);
        }
        if (limits.explicitMaxProcesses().isPresent()) {
            requireEnforceable("limits.maxProcesses", "process limit", capabilities.processes(),
                    capabilities.processMechanism(), bestEffort);
        }
    }

    private static void requireEnforceable(String field, String what, Enforcement enforcement, String mechanism,
                                           boolean bestEffort) {
        if (enforcement == Enforcement.ENFORCED) {
            return;
        }
        if (enforcement == Enforcement.NONE) {
            throw new InvalidRegistrationException(field,
                    "a " + what + " cannot be held on this host at all: " + mechanism);
        }
        if (!bestEffort) {
            throw new InvalidRegistrationException(field, "a " + what + " cannot be enforced on this host, only "
                    + "watched (" + mechanism + "); call bestEffortLimits() to accept that");
        }
    }

    private static String quote(String text) {
        return text == null ? "null" : "'" + text + "'";
    }
}
