package dev.bgtasks.broker;

import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.RunToken;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Turns a registration into the argument vector and environment of its task process. */
final class TaskLaunch {
    /** The task host's main class; it lives in this jar, run on the task's classpath. */
    static final String TASK_HOST_CLASS = "dev.bgtasks.host.TaskHost";
    /** The task host's argument for a training run of {@link JavaStartArchives}; it must match TaskHost's. */
    static final String WARM_UP_FLAG = "--warm-up";
    static final String ENV_SOCKET = "BGTASKS_SOCKET";
    static final String ENV_INSTANCE_ID = "BGTASKS_INSTANCE_ID";
    static final String ENV_TASK_ID = "BGTASKS_TASK_ID";
    private static final long MIB = 1L << 20;
    /** Room left outside the heap for metaspace, code cache, thread stacks and GC structures. */
    private static final long NON_HEAP_RESERVE = 96 * MIB;

    private TaskLaunch() {
    }

    static LaunchSpec spec(BrokerConfig config, TaskDefinition definition, UUID taskId, UUID instanceId,
                           String runToken, List<String> jvmOptions) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(RunToken.ENVIRONMENT_VARIABLE, runToken);
        env.put(ENV_INSTANCE_ID, instanceId.toString());
        env.put(ENV_TASK_ID, taskId.toString());
        if (config.socketPath() != null) {
            env.put(ENV_SOCKET, config.socketPath().toString());
        }
        Path workDir = definition.workingDirectory() == null ? config.home() : Path.of(definition.workingDirectory());
        return new LaunchSpec(command(config, definition, jvmOptions), env, workDir, config.instanceLog(instanceId), runToken);
    }

    /** The task's argument vector; {@code jvmOptions} go to a Java task's JVM and are ignored for a command. */
    static List<String> command(BrokerConfig config, TaskDefinition definition, List<String> jvmOptions) {
        if (definition.target() instanceof TaskTarget.Command command) {
            return command.argv();
        }
        TaskTarget.JavaEntryPoint java = (TaskTarget.JavaEntryPoint) definition.target();
        List<String> argv = new ArrayList<>();
        argv.add(config.javaExecutable().toString());
        definition.limits().memoryLimit().ifPresent(limit -> argv.add("-Xmx" + heapFor(limit) / MIB + "m"));
        argv.addAll(jvmOptions);
        argv.add("-cp");
        argv.add(String.join(File.pathSeparator, java.classpath()));
        argv.add(TASK_HOST_CLASS);
        argv.add(java.className());
        return argv;
    }

    /**
     * A heap that leaves the JVM's own memory room under the limit, so the task meets {@code OutOfMemoryError}
     * before the sandbox kills the tree (SPEC X10): half the limit for small limits, the limit less a fixed
     * reserve for large ones.
     */
    static long heapFor(long memoryLimit) {
        long heap = Math.max(memoryLimit / 2, memoryLimit - NON_HEAP_RESERVE);
        return Math.max(MIB * 2, heap / MIB * MIB);
    }
}
