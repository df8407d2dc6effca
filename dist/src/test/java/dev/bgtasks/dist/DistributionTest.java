package dev.bgtasks.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The self-contained bgtask (issue 18), as a user gets it: the archive the build made is unpacked into a temp
 * directory and run with a PATH that has every tool of this machine except any Java, and no JAVA_HOME. It runs
 * the demo (which starts the broker from the bundled runtime, and a Java task in its own JVM), installs the
 * systemd user service, whose unit must name the bundled runtime and pass {@code systemd-analyze verify}, and
 * carries a man page per command, the completion, and a class-data archive its calls use.
 */
@EnabledOnOs(OS.LINUX)
class DistributionTest {
    private static final String MAIN = "dev.bgtasks.cli/dev.bgtasks.cli.Bgtask";
    private static Path scratch;
    private static Path dist;
    private static Path path;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("dist.archive"));
        assertThat(archive).as("built by build-dist.sh in process-classes").isRegularFile();
        // Short: the broker's Unix socket lives under BGTASKS_HOME, and its path must stay under ~100 bytes.
        scratch = Files.createTempDirectory(Path.of("/tmp"), "bgdt");
        run(List.of("tar", "-xzf", archive.toString(), "-C", scratch.toString()), Map.of(), null, 0);
        try (Stream<Path> entries = Files.list(scratch)) {
            dist = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        path = pathWithoutJava(scratch.resolve("path"));
    }

    @AfterAll
    static void stopBrokerAndClean() throws IOException {
        if (scratch == null) {
            return;
        }
        Path pid = scratch.resolve("home/run/broker.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(broker -> {
                broker.destroy();
                broker.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> {
                    broker.destroyForcibly();
                    return broker;
                }).join();
            });
        }
        run(List.of("rm", "-rf", scratch.toString()), Map.of(), null, 0);
    }

    @Test
    void theDemoRunsWithNoJavaOnThePath() throws Exception {
        assertThat(run(List.of("sh", "-c", "command -v java || echo none"), env(), null, 0)).isEqualTo("none\n");
        String demo = run(List.of(dist.resolve("bin/bgtask").toString(), "demo"), env(), null, 0);
        assertThat(demo).contains("-> ALLOWED", "CURRENTLY_RUNNING", "completed: SUCCEEDED", "DISABLED_BY_POLICY");
        // The broker the demo started runs on the bundled runtime, not on a java found elsewhere.
        long brokerPid = Long.parseLong(Files.readString(scratch.resolve("home/run/broker.pid")).strip());
        String brokerJava = ProcessHandle.of(brokerPid).orElseThrow().info().command().orElseThrow();
        assertThat(Path.of(brokerJava).toRealPath()).isEqualTo(dist.resolve("runtime/bin/java").toRealPath());
    }

    @Test
    void theServiceItInstallsNamesTheBundledRuntime() throws Exception {
        Path config = scratch.resolve("config");
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("XDG_CONFIG_HOME", config.toString());
        // No user manager to reach: systemctl --user fails, after the unit is written (docs/cli.md).
        run(List.of(dist.resolve("bin/bgtask").toString(), "service", "install"), env, null, -1);
        Path unit = config.resolve("systemd/user/bgtasks.service");
        assertThat(unit).isRegularFile();
        String text = Files.readString(unit, StandardCharsets.UTF_8);
        String execStart = text.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        // systemd's quoting: every word in double quotes.
        assertThat(execStart).startsWith("ExecStart=\"" + dist.resolve("runtime/bin/java").toRealPath() + "\" ")
                .endsWith(" \"-m\" \"" + MAIN + "\" \"daemon\"")
                .doesNotContain("\"-jar\"", "\"-cp\"", "\"-p\"");

        Optional<Path> analyze = onPath("systemd-analyze");
        assumeTrue(analyze.isPresent(), "systemd-analyze is not installed (Debian package: systemd): the unit was "
                + "checked for the bundled runtime but not verified by systemd");
        Path runtimeDir = Files.createDirectories(scratch.resolve("xdg-runtime"));
        String verdict = run(List.of(analyze.get().toString(), "verify", "--user", "--man=no", unit.toString()),
                Map.of("XDG_RUNTIME_DIR", runtimeDir.toString(), "PATH", System.getenv("PATH")), null, 0);
        assertThat(verdict).as("systemd-analyze verify said").isBlank();
    }

    @Test
    void itCarriesAManPagePerCommandAndTheCompletion() throws IOException {
        Path sources = Path.of(System.getProperty("dist.commands"));
        List<String> commands = new ArrayList<>();
        try (Stream<Path> pages = Files.list(sources)) {
            pages.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".adoc"))
                    .forEach(n -> commands.add(n.substring(0, n.length() - ".adoc".length())));
        }
        assertThat(commands).contains("bgtask", "bgtask-runs", "bgtask-access-status", "bgtask-service-install");
        for (String command : commands) {
            Path page = dist.resolve("share/man/man1/" + command + ".1");
            assertThat(page).isRegularFile();
            assertThat(Files.readString(page, StandardCharsets.UTF_8)).contains(".TH \"" + command.toUpperCase().replace("-", "\\-") + "\"");
        }
        assertThat(Files.readString(dist.resolve("share/bash-completion/completions/bgtask")))
                .contains("complete -F _complete_bgtask", "bashcompinit");
    }

    @Test
    void itsCallsMapTheTrainedClassDataArchive() throws Exception {
        // The launcher itself, with the JVM's options through JAVA_TOOL_OPTIONS: -Xshare:on fails rather than run
        // without the archive; the log says where each class came from, and whether the boot layer's module graph
        // was mapped from it rather than resolved anew (bin/bgtask: by class name, with G1).
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("JAVA_TOOL_OPTIONS", "-Xshare:on -Xlog:class+load -Xlog:cds");
        String log = run(List.of(dist.resolve("bin/bgtask").toString(), "--version"), env, null, 0);
        assertThat(log).contains("bgtask 0.1.0").containsPattern("dev\\.bgtasks\\.cli\\.Bgtask source: shared "
                + "objects file").containsPattern("picocli\\.CommandLine source: shared objects file")
                .containsPattern("(?i)full module graph(: | = )enabled");
    }

    private static Map<String, String> env() {
        return Map.of("PATH", path.toString(), "HOME", scratch.toString(),
                "BGTASKS_HOME", scratch.resolve("home").toString(), "LANG", "C.UTF-8");
    }

    /** A directory of links to every program on this PATH except those of a JDK or JRE. */
    private static Path pathWithoutJava(Path bin) throws IOException {
        Files.createDirectories(bin);
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path directory = Path.of(dir);
            if (dir.isBlank() || !Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> programs = Files.list(directory)) {
                for (Path program : programs.toList()) {
                    Path link = bin.resolve(program.getFileName());
                    if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !Files.isExecutable(program)
                            || Files.isDirectory(program)) {
                        continue;
                    }
                    Path real;
                    try {
                        real = program.toRealPath();
                    } catch (IOException dangling) {
                        continue;
                    }
                    if (!real.toString().contains("/jvm/") && !real.getFileName().toString().startsWith("java")) {
                        Files.createSymbolicLink(link, real);
                    }
                }
            }
        }
        return bin;
    }

    private static Optional<Path> onPath(String tool) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, tool);
            if (!directory.isBlank() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs a command with exactly {@code env}; its output, after checking the exit code (-1: any). */
    private static String run(List<String> command, Map<String, String> env, Path directory, int expected)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (!env.isEmpty()) {
            builder.environment().clear();
            builder.environment().putAll(env);
        }
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish in 180 s: " + output);
            }
            if (expected >= 0) {
                assertThat(process.exitValue()).as("%s said: %s", command, output).isEqualTo(expected);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
