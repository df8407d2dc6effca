package dev.bgtasks.launch;

import java.util.List;
import java.util.Map;

/**
 * A JVM's argument vector and the environment changes it needs, as {@link JvmRuntime} builds them.
 *
 * <pre>{@code
 * JavaCommand jvm = runtime.command(List.of("-Xmx64m"), classpath, "dev.bgtasks.host.TaskHost", List.of(entry));
 * ProcessBuilder builder = jvm.applyTo(new ProcessBuilder(jvm.argv()));
 * }</pre>
 *
 * @param argv the program and its arguments
 * @param environment variables to set in the child's environment; an empty value unsets what the parent had
 *     (a jpackage launcher treats an empty variable as an absent one)
 */
public record JavaCommand(List<String> argv, Map<String, String> environment) {
    /**
     * Copies the collections.
     *
     * @param argv the program and its arguments
     * @param environment variables to set; an empty value unsets
     */
    public JavaCommand {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    /**
     * Applies {@link #environment()} to a process builder's environment: empty values remove the variable.
     *
     * @param builder the builder of this command's process
     * @return {@code builder}
     */
    public ProcessBuilder applyTo(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        environment.forEach((name, value) -> {
            if (value.isEmpty()) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
        return builder;
    }
}
