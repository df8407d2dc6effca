package dev.bgtasks.cli;

import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.launch.RunningModules;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The command a service manager runs to start the broker: this Java runtime and the jar (or class path) this
 * {@code bgtask} came from, then {@code daemon}.
 *
 * <p>The runtime is {@code java.home}, not {@code ProcessHandle.current().info().command()}: the property is always
 * set and names the runtime that runs this code, while the process info may be empty, and on Windows the service
 * wants {@code javaw.exe} (no console window at logon) beside the {@code java.exe} that runs us. The code is where
 * {@link Bgtask} was loaded from: the runnable jar is started with {@code -jar}; anything else (a build tree, an app
 * that put bgtasks on its class path) with {@code -cp} and this JVM's class path, every entry made absolute because
 * a service starts in another directory.
 *
 * @param java absolute path of the Java launcher
 * @param arguments its arguments, ending in {@code daemon}
 */
record ServiceLaunch(Path java, List<String> arguments) {
    static final String DAEMON = "daemon";

    ServiceLaunch {
        Objects.requireNonNull(java, "java");
        if (!java.isAbsolute()) {
            throw new IllegalArgumentException("the Java launcher must be an absolute path: " + java);
        }
        arguments = List.copyOf(arguments);
    }

    /** The launcher followed by its arguments. */
    List<String> command() {
        List<String> all = new ArrayList<>();
        all.add(java.toString());
        all.addAll(arguments);
        return all;
    }

    /** The same command with {@code args} after {@code daemon}: the options the service's broker runs with. */
    ServiceLaunch withDaemonArguments(List<String> args) {
        if (args.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(arguments);
        all.addAll(args);
        return new ServiceLaunch(java, all);
    }

    /** The same command with {@code -Dbgtasks.home=...} first, for managers that cannot set a variable. */
    ServiceLaunch withHomeProperty(Path home) {
        List<String> all = new ArrayList<>();
        all.add("-D" + dev.bgtasks.daemon.BrokerLocation.HOME_PROPERTY + "=" + home);
        all.addAll(arguments);
        return new ServiceLaunch(java, all);
    }

    /** How this process was started, for the service of {@code os}. */
    static ServiceLaunch ofThisProcess(ServiceOs os) {
        Path bin = Path.of(System.getProperty("java.home")).resolve("bin");
        Path java;
        if (os == ServiceOs.WINDOWS) {
            Path windowless = bin.resolve("javaw.exe");
            java = Files.isRegularFile(windowless) ? windowless : bin.resolve("java.exe");
        } else {
            java = bin.resolve("java");
        }
        Module cli = Bgtask.class.getModule();
        if (cli.isNamed() && cli.getLayer() != null) {
            return ofModule(java.toAbsolutePath(), cli.getName(), RunningModules.modulePath(cli));
        }
        return of(java.toAbsolutePath(), codeSource(), System.getProperty("java.class.path", ""));
    }

    /**
     * The launch of a {@code bgtask} that runs as a named module: {@code -m}, with the module path it was given,
     * none when its modules are linked into the runtime itself (the self-contained distribution's jlink image,
     * whose {@code bin/java} then is the whole of what the service names).
     */
    static ServiceLaunch ofModule(Path java, String module, List<String> modulePath) {
        List<String> arguments = new ArrayList<>(BrokerStarter.BROKER_JVM_OPTIONS);
        if (!modulePath.isEmpty()) {
            arguments.add("-p");
            arguments.add(String.join(File.pathSeparator, modulePath));
        }
        arguments.addAll(List.of("-m", module + "/" + Bgtask.class.getName(), DAEMON));
        return new ServiceLaunch(java, arguments);
    }

    /**
     * The launch for code loaded from {@code codeSource}: {@code -jar} when it is the runnable bgtask jar, else
     * {@code -cp classPath} and the main class.
     */
    static ServiceLaunch of(Path java, Path codeSource, String classPath) {
        if (isRunnableJar(codeSource)) {
            List<String> arguments = new ArrayList<>(BrokerStarter.BROKER_JVM_OPTIONS);
            arguments.addAll(List.of("-jar", codeSource.toAbsolutePath().toString(), DAEMON));
            return new ServiceLaunch(java, arguments);
        }
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        if (entries.isEmpty()) {
            entries.add(codeSource.toAbsolutePath().toString());
        }
        List<String> arguments = new ArrayList<>(BrokerStarter.BROKER_JVM_OPTIONS);
        arguments.addAll(List.of("-cp", String.join(File.pathSeparator, entries), Bgtask.class.getName(), DAEMON));
        return new ServiceLaunch(java, arguments);
    }

    private static Path codeSource() {
        try {
            return Path.of(Bgtask.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell which jar bgtask runs from, so the service could not start it",
                    e);
        }
    }

    private static boolean isRunnableJar(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            Manifest manifest = jar.getManifest();
            return manifest != null
                    && Bgtask.class.getName().equals(manifest.getMainAttributes().getValue("Main-Class"));
        } catch (IOException e) {
            return false;
        }
    }
}
