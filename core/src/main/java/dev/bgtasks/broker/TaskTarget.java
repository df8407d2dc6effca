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
     * A class implementing {@code BackgroundTask}, run by the task host: from a classpath, or, when {@code module}
     * is set, from that named module on a module path (the app runs on the module path or from a jlink image).
     *
     * <pre>{@code
     * new TaskTarget.JavaEntryPoint("com.example.tasks.Export", List.of("/opt/app/mods"), "com.example.app");
     * }</pre>
     *
     * @param className the binary class name
     * @param classpath the classpath entries it is loaded from; with a module, the module path (empty when the
     *                  modules are in the Java runtime image)
     * @param module the named module of the class; null for a class on the classpath
     * @param jvmOptions options of the task JVM, as {@code JvmOptionRules} allows them; empty by default
     * @param noStandby never keep a standby task host for it (SPEC W2); false by default
     */
    record JavaEntryPoint(String className, List<String> classpath, String module, List<String> jvmOptions,
                          boolean noStandby) implements TaskTarget {
        public JavaEntryPoint {
            Objects.requireNonNull(className, "className");
            classpath = List.copyOf(classpath);
            jvmOptions = jvmOptions == null ? List.of() : List.copyOf(jvmOptions);
        }

        /**
         * A class on a classpath or in a module, with JVM options of its own, a standby allowed.
         *
         * @param className the binary class name
         * @param classpath the classpath, or the module path when {@code module} is set
         * @param module the named module of the class; null for a class on the classpath
         * @param jvmOptions options of the task JVM
         */
        public JavaEntryPoint(String className, List<String> classpath, String module, List<String> jvmOptions) {
            this(className, classpath, module, jvmOptions, false);
        }

        /**
         * A class on a classpath, in a JVM with the broker's options only.
         *
         * @param className the binary class name
         * @param classpath the classpath entries it is loaded from
         */
        public JavaEntryPoint(String className, List<String> classpath) {
            this(className, classpath, null, List.of());
        }

        /**
         * A class in a named module (or, with a null module, on a classpath), in a JVM with the broker's options only.
         *
         * @param className the binary class name
         * @param classpath the module path, or the classpath when {@code module} is null
         * @param module the named module of the class; null for a class on the classpath
         */
        public JavaEntryPoint(String className, List<String> classpath, String module) {
            this(className, classpath, module, List.of());
        }

        /**
         * A class on a classpath, in a JVM with options of its own.
         *
         * @param className the binary class name
         * @param classpath the classpath entries it is loaded from
         * @param jvmOptions options of the task JVM
         */
        public JavaEntryPoint(String className, List<String> classpath, List<String> jvmOptions) {
            this(className, classpath, null, jvmOptions);
        }

        /** {@return the same entry point in a JVM with {@code options}} */
        public JavaEntryPoint withJvmOptions(List<String> options) {
            return new JavaEntryPoint(className, classpath, module, options, noStandby);
        }

        /** {@return the same entry point, with standby hosts allowed or not (SPEC W2)} */
        public JavaEntryPoint withStandby(boolean allowed) {
            return new JavaEntryPoint(className, classpath, module, jvmOptions, !allowed);
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
