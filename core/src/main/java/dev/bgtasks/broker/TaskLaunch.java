package dev.bgtasks.broker;

import dev.bgtasks.launch.JavaLauncher;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.TaskEndRecords;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
        if (definition.target() instanceof TaskTarget.JavaEntryPoint) {
            // Where the host leaves how run ended, for a broker that is not there to hear it (SPEC B5).
            env.put(TaskEndRecords.RESULT_FILE_VARIABLE,
                    TaskEndRecords.resultFile(config.instanceLog(instanceId)).toAbsolutePath().toString());
        }
        Path workDir = definition.workingDirectory() == null ? config.home() : Path.of(definition.workingDirectory());
        return new LaunchSpec(command(launcher, definition), env, workDir, config.instanceLog(instanceId), runToken);
    }

    /** The task's argument vector: a command's own, or a JVM that runs the entry point in the task host. */
    static List<String> command(JavaLauncher launcher, TaskDefinition definition) {
        if (definition.target() instanceof TaskTarget.Command command) {
            return command.argv();
        }
        TaskTarget.JavaEntryPoint java = (TaskTarget.JavaEntryPoint) definition.target();
        return launcher.command(java.classpath(), java.className(), definition.limits().memoryLimit());
    }
}
