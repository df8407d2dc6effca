package dev.bgtasks.broker;

import dev.bgtasks.SystemConditionType;
import dev.bgtasks.launch.JavaCommand;
import dev.bgtasks.launch.JavaLauncher;
import dev.bgtasks.launch.JvmRuntime;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.TaskEnvironment;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import dev.bgtasks.spi.TaskEndRecords;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a registration into the argument vector, environment and working directory of its task process; a Java
 * task's JVM command comes from {@link JavaLauncher}.
 *
 * <pre>{@code
 * LaunchSpec spec = TaskLaunch.spec(config, launcher, definition, taskId, instanceId, runToken);
 * SandboxedProcess process = sandbox.launch(spec, definition.limits());
 * }</pre>
 *
 * <p>The environment is the user's base ({@link TaskEnvironment#base}), the desktop session's variables when the
 * task's conditions or its registration ask for the session, the registration's own variables, then bgtasks' own:
 * nothing else of the broker's environment (SPEC S5). The working directory is the registration's, else the user's
 * home, never the broker's.
 */
final class TaskLaunch {
    static final String ENV_SOCKET = "BGTASKS_SOCKET";
    static final String ENV_INSTANCE_ID = "BGTASKS_INSTANCE_ID";
    static final String ENV_TASK_ID = "BGTASKS_TASK_ID";
    /** So a task that opens {@code BackgroundTasks} itself finds the broker that started it. */
    static final String ENV_HOME = "BGTASKS_HOME";
    /** Conditions about the user or the session: a task that has one gets the session's display and bus. */
    static final Set<SystemConditionType> SESSION_CONDITIONS = Collections.unmodifiableSet(EnumSet.of(
            SystemConditionType.USER_PRESENT, SystemConditionType.USER_NOT_PRESENT,
            SystemConditionType.SESSION_CONNECTED, SystemConditionType.SESSION_DISCONNECTED));

    private TaskLaunch() {
    }

    static LaunchSpec spec(BrokerConfig config, JavaLauncher launcher, TaskDefinition definition, UUID taskId,
                           UUID instanceId, String runToken) {
        return spec(config, launcher, definition, taskId, instanceId, runToken, null);
    }

    /** With {@code debugPort}, a Java task's JVM waits for a debugger on that loopback port before it runs. */
    static LaunchSpec spec(BrokerConfig config, JavaLauncher launcher, TaskDefinition definition, UUID taskId,
                           UUID instanceId, String runToken, Integer debugPort) {
        TaskEnvironment.Os os = TaskEnvironment.Os.current();
        Map<String, String> env = TaskEnvironment.base(os, config.environment(), config.loginEnvironment(),
                System.getProperty("user.home"), System.getProperty("user.name", "user"));
        Path workDir = definition.workingDirectory() != null
                ? Path.of(definition.workingDirectory()) : userHome(os, env);
        if (os != TaskEnvironment.Os.WINDOWS) {
            // What a shell would set; the cgroup wrapper's shell sets it anyway, so every sandbox agrees.
            env.put("PWD", workDir.toString());
        }
        JavaCommand command = command(config, launcher, definition, debugPort);
        // Its changes are to what a child would inherit from the broker; a task inherits nothing, so only their
        // removals (a jpackage launcher's marker) can matter, and a broker's LD_LIBRARY_PATH stays the broker's.
        command.environment().forEach((name, value) -> {
            if (value.isEmpty()) {
                env.remove(name);
            }
        });
        if (wantsSession(definition)) {
            env.putAll(TaskEnvironment.session(os, config.environment(), config.loginEnvironment()));
        }
        if (os == TaskEnvironment.Os.WINDOWS) {
            // Names ignore case there: the registration's Path replaces the base's PATH, it does not sit beside it.
            env.keySet().removeIf(name -> definition.environment().keySet().stream().anyMatch(name::equalsIgnoreCase));
        }
        env.putAll(definition.environment());
        String home = config.environment().get(ENV_HOME);
        if (home != null) {
            env.put(ENV_HOME, home);
        }
        env.put(RunToken.ENVIRONMENT_VARIABLE, runToken);
        env.put(ENV_INSTANCE_ID, instanceId.toString());
        env.put(ENV_TASK_ID, taskId.toString());
        if (config.socketPath() != null) {
            env.put(ENV_SOCKET, config.socketPath().toString());
        }
        if (definition.target() instanceof TaskTarget.JavaEntryPoint) {
            // Where the host leaves how its run ended, for a broker that is not there to hear it (SPEC B5).
            env.put(TaskEndRecords.RESULT_FILE_VARIABLE,
                    TaskEndRecords.resultFile(config.instanceLog(instanceId)).toAbsolutePath().toString());
        }
        return new LaunchSpec(command.argv(), env, workDir, config.instanceLog(instanceId), runToken);
    }

    /**
     * SPEC W1: a standby host's JVM, started exactly as the registration's cold start would be (same command,
     * environment and sandbox), but with no instance: it waits for one, and its token is no instance's yet.
     */
    static LaunchSpec standbySpec(BrokerConfig config, JavaLauncher launcher, TaskDefinition definition, UUID taskId,
                                  String token, Path logFile) {
        LaunchSpec cold = spec(config, launcher, definition, taskId, new UUID(0, 0), token, null);
        Map<String, String> env = new java.util.HashMap<>(cold.environment());
        env.remove(ENV_INSTANCE_ID);
        env.remove(TaskEndRecords.RESULT_FILE_VARIABLE);
        env.put(Standbys.ENV_STANDBY, "1");
        return new LaunchSpec(cold.command(), env, cold.workingDirectory(), logFile, token);
    }

    static boolean wantsSession(TaskDefinition definition) {
        return definition.sessionEnvironment()
                || definition.conditions().stream().anyMatch(SESSION_CONDITIONS::contains);
    }

    /** The home the task's base names, else the account's: where a task without a directory of its own runs. */
    private static Path userHome(TaskEnvironment.Os os, Map<String, String> env) {
        String named = env.get(os == TaskEnvironment.Os.WINDOWS ? "USERPROFILE" : "HOME");
        try {
            if (named != null && Files.isDirectory(Path.of(named))) {
                return Path.of(named);
            }
        } catch (InvalidPathException e) {
            // not a path: the account's home below
        }
        return Path.of(System.getProperty("user.home"));
    }

    /**
     * The task's argument vector and environment changes: a command's own, or a JVM that runs the entry point in
     * the task host. A command also loses a jpackage launcher's marker, if one started the broker, so the
     * programs it runs start as they would from a shell.
     */
    static JavaCommand command(BrokerConfig config, JavaLauncher launcher, TaskDefinition definition) {
        return command(config, launcher, definition, null);
    }

    static JavaCommand command(BrokerConfig config, JavaLauncher launcher, TaskDefinition definition,
                               Integer debugPort) {
        if (definition.target() instanceof TaskTarget.Command command) {
            return new JavaCommand(command.argv(), JvmRuntime.childEnvironment(config.environment()));
        }
        TaskTarget.JavaEntryPoint java = (TaskTarget.JavaEntryPoint) definition.target();
        List<String> options = new ArrayList<>(java.jvmOptions());
        if (debugPort != null) {
            options.add(jdwpAgent(debugPort));
        }
        if (java.module() != null) {
            return launcher.moduleCommand(java.classpath(), java.module(), java.className(),
                    definition.limits().memoryLimit(), options);
        }
        return launcher.command(java.classpath(), java.className(), definition.limits().memoryLimit(), options);
    }

    /** JDWP, listening on the loopback only, the JVM suspended until a debugger attaches. */
    static String jdwpAgent(int port) {
        return "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:" + port;
    }
}
