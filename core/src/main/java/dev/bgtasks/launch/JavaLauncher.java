package dev.bgtasks.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Java task's JVM is started: a JVM from {@link JvmRuntime} (any runtime, jpackage app images included), a
 * heap sized under the task's memory limit, the start archive of its classpath, and the task host as its main
 * class. It builds the command; the broker hands it to the sandbox, so the JVM is inside its limits from its first
 * instruction (SPEC X1).
 *
 * <pre>{@code
 * JavaLauncher launcher = JavaLauncher.create(JvmRuntime.ofJava(javaExecutable), home.resolve("java-archives"));
 * launcher.prepare(classpath, "tasks.ExportTask");                 // at registration: trains a start archive
 * JavaCommand jvm = launcher.command(classpath, "tasks.ExportTask", OptionalLong.of(256L << 20));
 * // [java, -Xmx160m, -XX:SharedArchiveFile=..., -Djava.nio.channels.spi.SelectorProvider=<the JDK's own>,
 * //  --enable-native-access=ALL-UNNAMED, -cp, app.jar:lib.jar, dev.bgtasks.host.TaskHost, tasks.ExportTask]
 * launcher.close();
 * }</pre>
 *
 * <p>It takes plain values, never the broker's types: the broker depends on this package, not the reverse.
 */
public final class JavaLauncher implements AutoCloseable {
    /** The task host's main class; it lives in bgtasks-core, run on the task's classpath. */
    public static final String TASK_HOST_CLASS = "dev.bgtasks.host.TaskHost";
    /**
     * The task host's argument for a training run of {@link JavaStartArchives}. The host spells it too (it cannot see
     * this package); a test checks that the two agree.
     */
    public static final String WARM_UP_FLAG = "--warm-up";
    private static final Logger LOG = LoggerFactory.getLogger(JavaLauncher.class);
    private static final long MIB = 1L << 20;
    /** Room left outside the heap for metaspace, code cache, thread stacks and GC structures. */
    private static final long NON_HEAP_RESERVE = 96 * MIB;

    private final JvmRuntime runtime;
    private final JavaStartArchives archives;

    JavaLauncher(JvmRuntime runtime, JavaStartArchives archives) {
        this.runtime = runtime;
        this.archives = archives;
    }

    /**
     * A launcher for JVMs from {@code runtime}.
     *
     * @param runtime how JVMs start here
     * @param startArchives where start archives are kept; null for none
     * @return the launcher; close it to stop a training in progress
     */
    public static JavaLauncher create(JvmRuntime runtime, Path startArchives) {
        Optional<Path> java = runtime.javaExecutable().filter(JavaLauncher::hasBaseArchive);
        if (startArchives != null && java.isEmpty()) {
            // Archives are dynamic ones, layered on the runtime's default archive: a jpackage runtime has none.
            LOG.info("Java tasks start without class-data archives: {} has no default CDS archive",
                    runtime.describe());
        }
        return new JavaLauncher(runtime, startArchives == null || java.isEmpty() ? JavaStartArchives.off()
                : JavaStartArchives.in(startArchives, java.get()));
    }

    /** The default CDS archive of the JDK that {@code java} belongs to, which a dynamic archive needs. */
    private static boolean hasBaseArchive(Path java) {
        try {
            Path home = java.toRealPath().getParent().getParent();
            return Files.isRegularFile(home.resolve("lib").resolve("server").resolve("classes.jsa"))
                    || Files.isRegularFile(home.resolve("bin").resolve("server").resolve("classes.jsa"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@return how JVMs start here} */
    public JvmRuntime runtime() {
        return runtime;
    }

    /**
     * Why a task on {@code classpath} could not be started here; a registration fails with it (never a task that
     * dies at trigger time).
     *
     * @param classpath the task's classpath
     * @return the reason, or empty when it can be started
     */
    public Optional<String> problemWith(List<String> classpath) {
        return runtime.problemWith(classpath);
    }

    /**
     * At registration: trains the start archive of {@code classpath} in the background, unless it has one.
     *
     * @param classpath the task's classpath
     * @param entryPoint its {@code BackgroundTask} class, which the training run loads without initializing
     */
    public void prepare(List<String> classpath, String entryPoint) {
        archives.prepare(classpath, entryPoint);
    }

    /**
     * The command of a task JVM that runs {@code entryPoint} in the task host.
     *
     * @param classpath the task's classpath
     * @param entryPoint its {@code BackgroundTask} class
     * @param memoryLimit the task tree's memory limit in bytes, if it has one: the heap is sized below it
     * @return the JVM, its options, the classpath, the task host and the entry point, and its environment changes
     */
    public JavaCommand command(List<String> classpath, String entryPoint, OptionalLong memoryLimit) {
        return command(classpath, entryPoint, memoryLimit, List.of());
    }

    /**
     * The command of a task JVM with options of the registration's own (checked by the broker) or a debugger's
     * agent. They come after the broker's heap size, so a smaller {@code -Xmx} of theirs wins; a JVM with options
     * of its own starts without the class-data archive, which was trained without them.
     *
     * @param classpath the task's classpath
     * @param entryPoint its {@code BackgroundTask} class
     * @param memoryLimit the task tree's memory limit in bytes, if it has one
     * @param extraOptions the registration's JVM options, then a debugger's agent, if any
     * @return the JVM command
     */
    public JavaCommand command(List<String> classpath, String entryPoint, OptionalLong memoryLimit,
                               List<String> extraOptions) {
        List<String> options = new ArrayList<>();
        memoryLimit.ifPresent(limit -> options.add("-Xmx" + heapFor(limit) / MIB + "m"));
        if (extraOptions.isEmpty()) {
            options.addAll(archives.optionsFor(classpath, entryPoint));
        }
        options.addAll(extraOptions);
        return runtime.command(options, classpath, TASK_HOST_CLASS, List.of(entryPoint));
    }

    /**
     * The argument vector of a task JVM that runs {@code entryPoint} of the named module {@code module}: the task host
     * runs as {@code dev.bgtasks.core}, and the app's module is added to the boot layer so that the host can load the
     * class (the module must export its package to {@code dev.bgtasks.core}). No start archive: archives are kept per
     * classpath.
     *
     * <pre>{@code
     * // [java, -Xmx160m, -p, app.jar:bgtasks-core.jar:..., --add-modules, com.example.app,
     * //  -m, dev.bgtasks.core/dev.bgtasks.host.TaskHost, com.example.tasks.Export]
     * }</pre>
     *
     * @param modulePath the module path; empty when the modules are in the runtime image of this launcher's java
     * @param module the module of the entry point
     * @param entryPoint its {@code BackgroundTask} class
     * @param memoryLimit the task tree's memory limit in bytes, if it has one: the heap is sized below it
     * @return {@code java}, its options, the module path, the task host and the entry point, and its environment
     *     changes
     */
    public JavaCommand moduleCommand(List<String> modulePath, String module, String entryPoint,
                                     OptionalLong memoryLimit) {
        return moduleCommand(modulePath, module, entryPoint, memoryLimit, List.of());
    }

    /**
     * The command of a module task JVM with options of the registration's own (checked by the broker) or a
     * debugger's agent, after the broker's heap size as in {@link #command(List, String, OptionalLong, List)}.
     *
     * @param modulePath the module path; empty when the modules are in the runtime image of this launcher's java
     * @param module the module of the entry point
     * @param entryPoint its {@code BackgroundTask} class
     * @param memoryLimit the task tree's memory limit in bytes, if it has one
     * @param extraOptions the registration's JVM options, then a debugger's agent, if any
     * @return the JVM command
     */
    public JavaCommand moduleCommand(List<String> modulePath, String module, String entryPoint,
                                     OptionalLong memoryLimit, List<String> extraOptions) {
        List<String> options = new ArrayList<>();
        memoryLimit.ifPresent(limit -> options.add("-Xmx" + heapFor(limit) / MIB + "m"));
        options.addAll(extraOptions);
        return runtime.moduleCommand(options, modulePath, List.of(module), RunningModules.CORE_MODULE,
                TASK_HOST_CLASS, List.of(entryPoint));
    }

    /**
     * A heap that leaves the JVM's own memory room under the limit, so the task meets {@code OutOfMemoryError}
     * before the sandbox kills the tree (SPEC X10): half the limit for small limits, the limit less a fixed
     * reserve for large ones.
     *
     * @param memoryLimit the task tree's memory limit in bytes
     * @return the heap size in bytes, a whole number of MiB
     */
    public static long heapFor(long memoryLimit) {
        long heap = Math.max(memoryLimit / 2, memoryLimit - NON_HEAP_RESERVE);
        return Math.max(MIB * 2, heap / MIB * MIB);
    }

    /** Stops training: a running training JVM is killed and leaves no archive. */
    @Override
    public void close() {
        archives.close();
    }
}
