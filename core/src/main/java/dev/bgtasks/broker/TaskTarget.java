package dev.bgtasks.broker;

import java.util.List;
import java.util.Objects;

/**
 * What a task runs: a Java entry point on a classpath, or a command (an argument vector, never a shell string,
 * SPEC S3).
 *
 * <pre>{@code
 * TaskTarget java = new TaskTarget.JavaEntryPoint("tasks.Export", List.of("/opt/app/app.jar"));
 * TaskTarget cmd = new TaskTarget.Command(List.of("rsync", "-a", src, dst));
 * }</pre>
 */
public sealed interface TaskTarget {
    /**
     * A class implementing {@code BackgroundTask}, run by the task host.
     *
     * @param className the binary class name
     * @param classpath the classpath entries it is loaded from
     */
    record JavaEntryPoint(String className, List<String> classpath) implements TaskTarget {
        public JavaEntryPoint {
            Objects.requireNonNull(className, "className");
            classpath = List.copyOf(classpath);
        }
    }

    /**
     * A program and its arguments.
     *
     * @param argv program first
     */
    record Command(List<String> argv) implements TaskTarget {
        public Command {
            argv = List.copyOf(argv);
        }
    }
}
