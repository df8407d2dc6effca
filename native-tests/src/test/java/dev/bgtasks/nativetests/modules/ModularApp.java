package dev.bgtasks.nativetests.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.nativetests.TempHome;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The modular app of {@code src/test/resources/modular-app}, compiled against bgtasks' real jars, and the module
 * path it runs on: its own classes plus every named module it resolves (bgtasks core, the Linux backend,
 * slf4j-simple, and their dependencies), as the test JVM's classpath has them.
 *
 * <pre>{@code
 * ModularApp app = ModularApp.compile(workDir);
 * String out = app.run(List.of("java", "-p", app.modulePathString(), "-m", ModularApp.MAIN), home, workDir);
 * }</pre>
 */
final class ModularApp {
    static final String MODULE = "app";
    static final String MAIN = MODULE + "/app.Main";
    /** The modules an app names for bgtasks on Linux: core comes with the app's requires. */
    static final List<String> RUNTIME_MODULES = List.of("dev.bgtasks.linux", "org.slf4j.simple");

    final Path classes;
    final List<Path> modulePath;

    private ModularApp(Path classes, List<Path> modulePath) {
        this.classes = classes;
        this.modulePath = modulePath;
    }

    static ModularApp compile(Path workDir) throws IOException {
        List<Path> named = namedModulesOnClasspath();
        Path sources = copySources(workDir.resolve("src"));
        Path classes = workDir.resolve("classes");
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--module-path", join(named),
                "-Xlint:all,-path", "-Werror"));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).forEach(args::add);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK with javac runs these tests").isNotNull();
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac " + args).isZero();

        // What the JVM will resolve for the app: its module graph, plus the backend and the logging provider.
        List<Path> finderPath = new ArrayList<>(List.of(classes));
        finderPath.addAll(named);
        Set<String> roots = new LinkedHashSet<>(List.of(MODULE));
        roots.addAll(RUNTIME_MODULES);
        Configuration resolved = ModuleLayer.boot().configuration().resolveAndBind(
                ModuleFinder.of(finderPath.toArray(Path[]::new)), ModuleFinder.of(), roots);
        List<Path> modulePath = new ArrayList<>();
        for (ResolvedModule module : resolved.modules()) {
            module.reference().location().ifPresent(uri -> modulePath.add(Path.of(uri)));
        }
        modulePath.sort(null);
        return new ModularApp(classes, List.copyOf(modulePath));
    }

    String modulePathString() {
        return join(modulePath);
    }

    /** Runs the app's command in {@code workDir} with {@code BGTASKS_HOME=home}; fails unless it exits 0. */
    static String run(List<String> command, Path home, Path workDir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put("BGTASKS_HOME", home.toString());
        // Surefire hands this JVM its classpath in CLASSPATH: the app must see its module path only.
        builder.environment().remove("CLASSPATH");
        Process process = builder.start();
        byte[] bytes = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the app did not exit within 120 s: " + command);
        }
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(command + " printed:\n" + out).isZero();
        return out;
    }

    /**
     * The seed scenario's checks on what the app printed and left behind: both tasks allowed and completed, the
     * second trigger refused while the first runs, the Java task in its own process, loaded from the app's module.
     */
    static void assertSeedScenario(String out, Path home, Path workDir, Path touched) throws IOException {
        assertThat(out).as("the app printed (logs below)\n%s", logs(home)).contains("ACCESS ALLOWED_SUBJECT_TO_SYSTEM_POLICY", "TRIGGERED java ALLOWED",
                "TRIGGERED command ALLOWED", "AGAIN java CURRENTLY_RUNNING", "COMPLETED java SUCCEEDED 100",
                "COMPLETED command SUCCEEDED", "DONE");
        assertThat(out.lines().filter(l -> l.startsWith("COMPLETED java"))).hasSize(1);
        assertThat(logs(home)).as("JVM warnings in the broker's or a task's log").doesNotContain("WARNING:");
        assertThat(touched).exists();
        String echo = Files.readString(workDir.resolve("echo-task.txt"));
        assertThat(echo).contains("module=app ", "core=dev.bgtasks.core ", "word=hello");
        assertThat(echo).doesNotContain("pid=" + ProcessHandle.current().pid() + " ");
    }

    /** The broker's and the instances' logs under {@code home}, for a failure's message. */
    static String logs(Path home) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                text.append("== ").append(log).append('\n').append(Files.readString(log));
            }
        }
        return text.toString();
    }

    /** Brokers started under {@code home}, whatever their command line (-cp or -m). */
    static void stopBrokers(Path home) {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("dev.bgtasks.daemon.BrokerDaemon")
                        && c.contains(home.toString())).orElse(false))
                .forEach(p -> {
                    p.destroy();
                    p.onExit().join();
                });
        TempHome.delete(home);
    }

    static List<String> brokerCommandLines(Path home) {
        return ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("dev.bgtasks.daemon.BrokerDaemon") && c.contains(home.toString()))
                .toList();
    }

    /** Every jar or class directory of this JVM's classpath that is a named (not automatic) module. */
    private static List<Path> namedModulesOnClasspath() {
        List<Path> named = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            boolean candidate = entry.endsWith(".jar") && Files.isRegularFile(path)
                    || Files.isRegularFile(path.resolve("module-info.class"));
            if (!candidate) {
                continue;
            }
            try {
                Set<ModuleReference> found = ModuleFinder.of(path).findAll();
                if (found.size() == 1 && !found.iterator().next().descriptor().isAutomatic()) {
                    named.add(path);
                }
            } catch (FindException e) {
                continue; // not a module at all (a test jar without a derivable name): not one the app needs
            }
        }
        return named;
    }

    private static Path copySources(Path target) throws IOException {
        Path root;
        try {
            root = Path.of(ModularApp.class.getResource("/modular-app/module-info.java").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.forEach(source -> {
                Path copy = target.resolve(root.relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(source, copy);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return target;
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }
}
