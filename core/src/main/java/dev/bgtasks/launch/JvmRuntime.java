package dev.bgtasks.launch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The one place that decides how bgtasks starts a JVM (the broker, a Java task, a start-archive training), from
 * whatever runtime the app runs on. In this order:
 * <ol>
 * <li>an explicit {@code java}: given in code ({@code BrokerConfig.javaExecutable}) or as {@code BGTASKS_JAVA};
 * <li>the runtime's own {@code bin/java}, when it has one (a JDK, a JRE, a jlink image that kept its commands);
 * <li>in a jpackage app image made with jpackage's default options, whose runtime has no {@code bin/java}: a
 *     per-user copy of the app's launcher with a cfg of ours ({@link ImageLaunchers}), so our main class runs with our
 *     JVM options. The app's launcher itself is never run as if it were {@code java}: it would hand our arguments
 *     to the app's {@code main}.
 * </ol>
 * When none applies, {@link #unavailableReason()} says why, and a Java task's registration fails with it.
 *
 * <pre>{@code
 * JvmRuntime runtime = JvmRuntime.detect(null, System.getenv(), stateDir.resolve("launchers"));
 * JavaCommand jvm = runtime.command(List.of("-Xmx64m"), classpath, "dev.bgtasks.host.TaskHost", List.of(entry));
 * Process p = jvm.applyTo(new ProcessBuilder(jvm.argv())).start();
 * }</pre>
 *
 * <p>Every JVM it starts gets {@link #NATIVE_ACCESS}: JDK 22 and later warn on stderr when a class on the class path
 * calls a restricted method (sqlite-jdbc and JNA load native code), and JDK 17 accepts the option silently.
 */
public final class JvmRuntime {
    /** The environment variable that names the {@code java} to use, over any runtime found. */
    public static final String JAVA_VARIABLE = "BGTASKS_JAVA";
    /**
     * The system property that tells a JVM started from an app image where the app's launcher is: its own
     * {@code jpackage.app-path} names the shadow copy, whose directory is not the image.
     */
    public static final String IMAGE_LAUNCHER_PROPERTY = "bgtasks.jpackage.launcher";
    /** Lets code on the class path (sqlite-jdbc, JNA) call restricted methods without a warning on JDK 22+. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /**
     * {@link #NATIVE_ACCESS} for a JVM whose main module is bgtasks core: on the module path, sqlite-jdbc and JNA are
     * named modules, which {@code ALL-UNNAMED} does not cover. Core requires both (JNA through OSHI), so they are in
     * every such boot layer and naming them never warns of an unknown module.
     */
    public static final String MODULE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED,com.sun.jna,"
            + "org.xerial.sqlitejdbc";
    /** Set by a jpackage launcher for the JVM it starts; inherited, it makes the next launcher ignore its cfg. */
    static final String LAUNCHER_MARKER = "_JPACKAGE_LAUNCHER";
    private static final String NATIVE_ACCESS_OPTION = "--enable-native-access=";
    static final String LIBRARY_PATH = "LD_LIBRARY_PATH";

    private final Path java;
    private final ImageLaunchers image;
    private final String unavailable;
    private final String description;
    private final Map<String, String> environment;

    private JvmRuntime(Path java, ImageLaunchers image, String unavailable, String description,
                       Map<String, String> environment) {
        this.java = java;
        this.image = image;
        this.unavailable = unavailable;
        this.description = description;
        this.environment = Map.copyOf(environment);
    }

    /**
     * The way to start a JVM from this process.
     *
     * @param explicitJava a {@code java} chosen in code, or null
     * @param environment this process's environment, where {@link #JAVA_VARIABLE} may name one
     * @param launcherCache a per-user directory for the shadow launchers of an app image
     * @return the runtime; check {@link #unavailableReason()}
     */
    public static JvmRuntime detect(Path explicitJava, Map<String, String> environment, Path launcherCache) {
        return detect(explicitJava, environment, System::getProperty, launcherCache);
    }

    static JvmRuntime detect(Path explicitJava, Map<String, String> environment, UnaryOperator<String> properties,
                             Path launcherCache) {
        if (explicitJava != null) {
            return explicit(explicitJava, "configured", environment);
        }
        String fromEnvironment = environment.get(JAVA_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return explicit(Path.of(fromEnvironment), JAVA_VARIABLE, environment);
        }
        Path home = Path.of(properties.apply("java.home"));
        boolean windows = properties.apply("os.name") != null && properties.apply("os.name").startsWith("Windows");
        Path ownJava = home.resolve("bin").resolve(windows ? "java.exe" : "java");
        if (Files.isExecutable(ownJava)) {
            return new JvmRuntime(ownJava, null, null, ownJava.toString(), environment);
        }
        String launcher = properties.apply(IMAGE_LAUNCHER_PROPERTY);
        if (launcher == null) {
            launcher = properties.apply("jpackage.app-path");
        }
        if (launcher == null) {
            return unavailable("the runtime " + home + " has no bin/java and is not a jpackage app image; name a "
                    + "java with " + JAVA_VARIABLE, environment);
        }
        Path appLauncher = Path.of(launcher);
        String problem = ImageLaunchers.problem(appLauncher);
        if (problem != null) {
            return unavailable("the runtime " + home + " has no bin/java, and " + problem + "; name a java with "
                    + JAVA_VARIABLE, environment);
        }
        if (launcher.indexOf('$') >= 0 || home.toString().indexOf('$') >= 0) {
            return unavailable("the app image " + launcher + " has a '$' in its path, which its launcher would "
                    + "expand; name a java with " + JAVA_VARIABLE, environment);
        }
        try {
            ImageLaunchers launchers = ImageLaunchers.of(launcherCache, appLauncher, home);
            return new JvmRuntime(null, launchers, null, "copies of " + appLauncher + " in "
                    + launchers.directory() + " (runtime " + home + ")", environment);
        } catch (IOException e) {
            return unavailable("cannot read the app image of " + appLauncher + ": " + e.getMessage(), environment);
        }
    }

    /**
     * A runtime that starts JVMs with {@code java}.
     *
     * @param java a {@code java} executable
     * @return the runtime; unavailable when {@code java} is not an executable file
     */
    public static JvmRuntime ofJava(Path java) {
        return explicit(java, "given", System.getenv());
    }

    private static JvmRuntime explicit(Path java, String source, Map<String, String> environment) {
        if (!Files.isRegularFile(java) || !Files.isExecutable(java)) {
            return unavailable("the " + source + " java " + java + " is not an executable file", environment);
        }
        return new JvmRuntime(java, null, null, java + " (" + source + ")", environment);
    }

    private static JvmRuntime unavailable(String why, Map<String, String> environment) {
        return new JvmRuntime(null, null, "no way to start a JVM: " + why, "none", environment);
    }

    /** {@return why no JVM can be started from here, or empty when one can} */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailable);
    }

    /** {@return the {@code java} executable, or empty when JVMs start from an app image's launcher (or not at all)} */
    public Optional<Path> javaExecutable() {
        return Optional.ofNullable(java);
    }

    /** {@return true when JVMs start through shadow copies of a jpackage app image's launcher} */
    public boolean isAppImage() {
        return image != null;
    }

    /** {@return what starts JVMs here, for logs and {@code bgtask doctor}} */
    public String describe() {
        return unavailable != null ? unavailable : description;
    }

    /**
     * The command of a JVM that runs {@code mainClass}.
     *
     * @param jvmOptions options before the main class ({@link #NATIVE_ACCESS} is added)
     * @param classpath the class path, one entry each
     * @param mainClass the main class
     * @param args its arguments, passed unchanged
     * @return the argument vector and the environment changes it needs
     * @throws IllegalStateException when no JVM can be started here ({@link #unavailableReason()})
     * @throws UncheckedIOException when an app image's shadow launcher cannot be written
     */
    public JavaCommand command(List<String> jvmOptions, List<String> classpath, String mainClass, List<String> args) {
        if (unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        List<String> options = new ArrayList<>(jvmOptions);
        if (!options.contains(NATIVE_ACCESS)) {
            options.add(NATIVE_ACCESS);
        }
        List<String> argv = new ArrayList<>();
        Map<String, String> changes = new LinkedHashMap<>();
        if (image == null) {
            argv.add(java.toString());
            argv.addAll(options);
            argv.add("-cp");
            argv.add(String.join(File.pathSeparator, classpath));
        } else {
            options.add("-D" + IMAGE_LAUNCHER_PROPERTY + "=" + image.launcher());
            try {
                argv.add(image.launcherFor(ImageLaunchers.cfg(image.runtime(), classpath, mainClass, options))
                        .toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a launcher in " + image.directory(), e);
            }
            // Inherited from a JVM a launcher started, these make ours ignore its cfg.
            changes.put(LAUNCHER_MARKER, "");
        }
        if (image == null) {
            argv.add(mainClass);
        }
        argv.addAll(args);
        changes.putAll(childEnvironment(environment));
        return new JavaCommand(argv, changes);
    }

    /**
     * The command of a JVM that runs {@code mainClass} of the named module {@code module} from a module path (an app
     * on the module path, a jlink image whose modules are in the runtime itself, or a jpackage image of a modular app,
     * through a launcher copy whose cfg names the main module).
     *
     * @param jvmOptions options before the module path ({@link #MODULE_NATIVE_ACCESS} is added)
     * @param modulePath the module path; empty when the modules are in the runtime image
     * @param addModules modules to add to the boot layer beside {@code module}; may be empty
     * @param module the module of the main class
     * @param mainClass the main class
     * @param args its arguments, passed unchanged
     * @return the argument vector and the environment changes it needs
     * @throws IllegalStateException when no JVM, or no {@code java} that takes a module path, can be started here
     */
    public JavaCommand moduleCommand(List<String> jvmOptions, List<String> modulePath, List<String> addModules,
                                     String module, String mainClass, List<String> args) {
        if (unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        if (image != null) {
            return imageModuleCommand(jvmOptions, modulePath, addModules, module, mainClass, args);
        }
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.addAll(jvmOptions);
        if (jvmOptions.stream().noneMatch(o -> o.startsWith(NATIVE_ACCESS_OPTION))) {
            argv.add(MODULE_NATIVE_ACCESS);
        }
        if (!modulePath.isEmpty()) {
            argv.add("-p");
            argv.add(String.join(File.pathSeparator, modulePath));
        }
        if (!addModules.isEmpty()) {
            argv.add("--add-modules");
            argv.add(String.join(",", addModules));
        }
        argv.add("-m");
        argv.add(module + "/" + mainClass);
        argv.addAll(args);
        return new JavaCommand(argv, new LinkedHashMap<>(childEnvironment(environment)));
    }

    /**
     * A modular app's jpackage image: the launcher copy's cfg names the main module ({@code app.mainmodule}), as the
     * image's own cfg does, and the modules come from the runtime the image linked them into.
     */
    private JavaCommand imageModuleCommand(List<String> jvmOptions, List<String> modulePath, List<String> addModules,
                                           String module, String mainClass, List<String> args) {
        List<String> options = new ArrayList<>(jvmOptions);
        if (options.stream().noneMatch(o -> o.startsWith(NATIVE_ACCESS_OPTION))) {
            options.add(MODULE_NATIVE_ACCESS);
        }
        if (!modulePath.isEmpty()) {
            options.add("--module-path");
            options.add(String.join(File.pathSeparator, modulePath));
        }
        if (!addModules.isEmpty()) {
            options.add("--add-modules");
            options.add(String.join(",", addModules));
        }
        options.add("-D" + IMAGE_LAUNCHER_PROPERTY + "=" + image.launcher());
        List<String> argv = new ArrayList<>();
        try {
            argv.add(image.launcherFor(ImageLaunchers.moduleCfg(image.runtime(), module + "/" + mainClass, options))
                    .toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a launcher in " + image.directory(), e);
        }
        argv.addAll(args);
        Map<String, String> changes = new LinkedHashMap<>();
        // Inherited from a JVM a launcher started, this makes ours ignore its cfg.
        changes.put(LAUNCHER_MARKER, "");
        changes.putAll(childEnvironment(environment));
        return new JavaCommand(argv, changes);
    }

    /**
     * Why a JVM on {@code classpath} cannot be started here, checked without starting one: no way to start a JVM
     * at all, or (in an app image) a classpath entry the launcher's cfg cannot carry.
     *
     * @param classpath the class path of the JVM
     * @return the reason, or empty when it can be started
     */
    public Optional<String> problemWith(List<String> classpath) {
        if (unavailable != null) {
            return Optional.of(unavailable);
        }
        if (image != null) {
            try {
                ImageLaunchers.cfg(image.runtime(), classpath, "Main", List.of());
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The changes any child of this process needs when a jpackage launcher started it: the launcher's marker
     * unset, and its {@code <image>/lib/app} entry taken off {@code LD_LIBRARY_PATH}. Otherwise a jpackage app the
     * child starts ignores its own cfg and runs its arguments as a plain {@code java} would.
     *
     * @param inherited this process's environment
     * @return variables to set (an empty value unsets); empty when no launcher started this process
     */
    public static Map<String, String> childEnvironment(Map<String, String> inherited) {
        if (!inherited.containsKey(LAUNCHER_MARKER)) {
            return Map.of();
        }
        Map<String, String> changes = new LinkedHashMap<>();
        changes.put(LAUNCHER_MARKER, "");
        String libraryPath = inherited.get(LIBRARY_PATH);
        if (libraryPath != null) {
            List<String> kept = new ArrayList<>();
            for (String entry : libraryPath.split(File.pathSeparator, -1)) {
                if (!entry.isEmpty() && !isImageAppDirectory(entry)) {
                    kept.add(entry);
                }
            }
            changes.put(LIBRARY_PATH, String.join(File.pathSeparator, kept));
        }
        return changes;
    }

    /** {@code <image>/lib/app}, which a jpackage launcher adds to {@code LD_LIBRARY_PATH}. */
    private static boolean isImageAppDirectory(String entry) {
        try {
            return Files.isRegularFile(Path.of(entry).resolveSibling(ImageLaunchers.LAUNCHER_LIBRARY));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
