package dev.bgtasks.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The checkout's {@code ./bgtask} launcher and its class-data archive (docs/cli.md, "Fast calls"): the first call
 * that talks to the broker trains it, later calls map it, {@code --version} does not train it, and the output is
 * the same either way. Here because the launcher runs cli/target/bgtask.jar, which exists only after the cli
 * module's package phase.
 */
@EnabledOnOs(OS.LINUX)
class CheckoutLauncherTest {
    private static final Path LAUNCHER = Path.of(System.getProperty("checkout.launcher"));
    private static Path scratch;

    @BeforeAll
    static void scratch() throws IOException {
        assertThat(Path.of(System.getProperty("checkout.jar"))).as("mvn package of cli").isRegularFile();
        scratch = Files.createTempDirectory(Path.of("/tmp"), "bgcl");
    }

    @AfterAll
    static void stopBrokerAndClean() throws IOException {
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
        try (Stream<Path> paths = Files.walk(scratch)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void theFirstBrokerCallTrainsTheArchiveAndLaterCallsMapIt() throws Exception {
        Path cache = scratch.resolve("cache");
        assertThat(call(cache, null, "--version")).isEqualTo("bgtask 0.1.0\n");
        assertThat(cache).as("--version loads no client: it trains nothing").doesNotExist();

        String first = call(cache, null, "access", "status", "--app", "dev.bgtasks.dist.launcher");
        List<Path> archives;
        try (Stream<Path> files = Files.list(cache)) {
            archives = files.filter(f -> !f.getFileName().toString().equals("last")).toList();
        }
        assertThat(archives).hasSize(1);
        assertThat(archives.get(0).getFileName().toString()).matches("bgtask-g1-\\d+\\.jsa");
        // The next call finds it through this file, with no fork of stat and cksum.
        assertThat(Files.readAllLines(cache.resolve("last")).get(0)).isEqualTo(archives.get(0).toString());

        Path classLog = scratch.resolve("classes.log");
        String second = call(cache, "-Xlog:class+load:file=" + classLog, "access", "status", "--app",
                "dev.bgtasks.dist.launcher");
        assertThat(second).isEqualTo(first).isEqualTo("UNSPECIFIED\n");
        String loaded = Files.readString(classLog, StandardCharsets.UTF_8);
        // access status is a quick call (issue 18): picocli's programmatic model, the client and the JSON reader
        // all come from the archive.
        assertThat(loaded).contains("dev.bgtasks.cli.Bgtask source: shared objects file",
                "dev.bgtasks.cli.QuickCalls source: shared objects file",
                "picocli.CommandLine source: shared objects file",
                "com.fasterxml.jackson.core.JsonFactory source: shared objects file");

        // The training also made the other quick calls once: their classes are in the archive too.
        Path runsLog = scratch.resolve("runs.log");
        call(cache, "-Xlog:class+load:file=" + runsLog, "runs", "--app", "dev.bgtasks.dist.launcher", "--json");
        assertThat(Files.readString(runsLog, StandardCharsets.UTF_8)).contains(
                "dev.bgtasks.cli.RunsCommand source: shared objects file",
                "dev.bgtasks.cli.TreeOutput source: shared objects file",
                "dev.bgtasks.daemon.EarlyConnection source: shared objects file");

        // doctor looks at the platforms, the start archives and the broker, and logs nothing: SLF4J, whose start
        // was about 8 ms of it, is not even loaded (issue 18).
        Path doctorLog = scratch.resolve("doctor.log");
        assertThat(call(cache, "-Xlog:class+load:file=" + doctorLog, "doctor")).contains("platforms:", "broker:");
        assertThat(Files.readString(doctorLog, StandardCharsets.UTF_8))
                .contains("dev.bgtasks.cli.DoctorCommand source: shared objects file",
                        "dev.bgtasks.linux.LinuxPlatform source: shared objects file")
                .doesNotContain("org.slf4j.LoggerFactory");
    }

    /** {@code ./bgtask ARGS} with its own cache and broker home; its stdout (the JVM's notes go to stderr). */
    private static String call(Path cache, String jvmOption, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = new HashMap<>(Map.of("BGTASKS_CLI_CACHE", cache.toString(),
                "BGTASKS_HOME", scratch.resolve("home").toString(),
                "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (jvmOption != null) {
            env.put("JAVA_TOOL_OPTIONS", jvmOption);
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
