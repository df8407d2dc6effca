package dev.bgtasks.broker;

import dev.bgtasks.launch.JavaCommand;
import dev.bgtasks.launch.JavaLauncher;
import dev.bgtasks.launch.JvmRuntime;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.RunToken;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a registration into the argument vector and environment of its task process; a Java task's JVM command
 * comes from {@link JavaLauncher}.
 *
 * <pre>{@code
 * LaunchSpec spec = TaskLaunch.spec(config, launcher, definition, taskId, instanceId, runToken);
 * SandboxedProcess process = sandbox.launch(spec, definition.limits());
 * }</pre>
 */
final class TaskLaunch {
    static final String ENV_SOCKET = "BGTASKS_SOCKET";
    static final String ENV_INSTANCE_ID = "BGTASKS_INSTANCE_ID";
    static final String ENV_TASK_ID = "BGTASKS_TASK_ID";

    private TaskLaunch() {
    }

    static LaunchSpec spec(BrokerConfig config, JavaLauncher launcher, TaskDefinition definition, UUID taskId,
                           UUID instanceId, String runToken) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(RunToken.ENVIRONMENT_VARIABLE, runToken);
        env.put(ENV_INSTANCE_ID, instanceId.toString());
        env.put(ENV_TASK_ID, taskId.toString());
        if (config.socketPath() != null) {
            env.put(ENV_SOCKET, config.socketPath().toString());
        }
        Path workDir = definition.workingDirectory() == null ? config.home() : Path.of(definition.workingDirectory());
        JavaCommand command = command(config, launcher, definition);
        // The JVM's changes first: the run token and the socket are the broker's word, whatever they say.
        Map<String, String> environment = new LinkedHashMap<>(command.environment());
        environment.putAll(env);
        return new LaunchSpec(command.argv(), environment, workDir, config.instanceLog(instanceId), runToken);
    }

    /**
     * The task's argument vector and environment changes: a command's own, or a JVM that runs the entry point in
     * the task host. A command also loses a jpackage launcher's marker, if one started the broker, so the
     * programs it runs start as they would from a shell.
     */
    static JavaCommand command(BrokerConfig config, JavaLauncher launcher, TaskDefinition definition) {
        if (definition.target() instanceof TaskTarget.Command command) {
            return new JavaCommand(command.argv(), JvmRuntime.childEnvironment(config.environment()));
        }
        TaskTarget.JavaEntryPoint java = (TaskTarget.JavaEntryPoint) definition.target();
        if (java.module() != null) {
            return launcher.moduleCommand(java.classpath(), java.module(), java.className(),
                    definition.limits().memoryLimit());
        }
        return launcher.command(java.classpath(), java.className(), definition.limits().memoryLimit());
    }
}
