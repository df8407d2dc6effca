package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.ipc.BrokerClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue 13: the seed scenario from a jpackage app image made with jpackage's default options, whose runtime has no
 * {@code bin/java}. The image is made by the {@code jpackage} of the JDK these tests run on (17 by default;
 * {@code .ci/run} runs them again with JDK 25), from {@code examples/packaged-seed/target/jpackage-input}.
 * The app, the broker it starts and the task all run on the image's runtime.
 */
@EnabledOnOs(OS.LINUX)
class PackagedAppTest {
    private static final String APP = "dev.bgtasks.examples.packagedseed";
    private static final String MAIN_CLASS = "dev.bgtasks.examples.packagedseed.SeedApp";
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static Path work;
    private static Path image;

    private Path home;
    private BrokerLocation location;
    private BrokerClient watcher;
    private final List<Long> taskPids = new ArrayList<>();

    /** jpackage with its defaults only: an app image, the input directory, the main jar and class, a name. */
    @BeforeAll
    static void packageTheApp() throws Exception {
        Path jpackage = Path.of(System.getProperty("java.home"), "bin", "jpackage");
        Path input = Path.of(System.getProperty("bgtasks.packagedSeed.input", "../examples/packaged-seed/target/"
                + "jpackage-input")).toAbsolutePath().normalize();
        if (!Files.isExecutable(jpackage)) {
            unavailable("no jpackage in " + jpackage.getParent());
        }
        if (!Files.isRegularFile(input.resolve("packaged-seed.jar"))) {
            unavailable("no " + input.resolve("packaged-seed.jar") + ": build examples/packaged-seed first");
        }
        work = Files.createTempDirectory(Path.of("/tmp"), "bgtpkg");
        Process process = new ProcessBuilder(jpackage.toString(), "--type", "app-image", "--input",
                input.toString(), "--main-jar", "packaged-seed.jar", "--main-class", MAIN_CLASS, "--name", "SeedApp",
                "--dest", work.resolve("image").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("jpackage.log").toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("jpackage ran past 5 minutes");
        }
        assertThat(process.exitValue()).as(Files.readString(work.resolve("jpackage.log"))).isZero();
        image = work.resolve("image").resolve("SeedApp");
    }

    private static void unavailable(String why) {
        if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
            fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 forbids skipping");
        }
        Assumptions.abort(why);
    }

    @AfterAll
    static void deleteTheImage() {
        TempHome.delete(work);
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (location != null && Files.exists(location.pidFile())) {
            ProcessHandle.of(Long.parseLong(Files.readString(location.pidFile()).trim())).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
            });
        }
        for (long pid : taskPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        TempHome.delete(home);
    }

    @Test
    void theSeedScenarioRunsFromAnImageMadeWithJpackagesDefaults() throws Exception { // SPEC T4, T5, X1, X5
        // The case of the issue: jlink's --strip-native-commands is one of jpackage's defaults.
        assertThat(image.resolve("lib/runtime/bin/java")).doesNotExist();
        home = TempHome.create();
        location = BrokerLocation.underHome(home);

        String first = app("trigger", "hello from the image", "12");
        Matcher triggered = Pattern.compile("TRIGGERED ALLOWED (\\S+)").matcher(first);
        assertThat(triggered.find()).as(first).isTrue();
        UUID id = UUID.fromString(triggered.group(1));
        assertThat(first).contains("AGAIN CURRENTLY_RUNNING");

        watcher = BrokerClient.connect(location.socket());
        InstanceInfo running = await(id, InstanceState.RUNNING);
        taskPids.add(running.pid());
        // Another start of the app while the task runs: the instance is there, still one (SPEC T4).
        assertThat(app("trigger", "again", "12")).contains("TRIGGERED CURRENTLY_RUNNING");

        InstanceInfo done = await(id, InstanceState.COMPLETED);
        assertThat(done.outcome()).as(done.toString()).isEqualTo(TaskOutcome.SUCCEEDED);
        // The completion reaches the relaunched app, once.
        assertThat(app("receive", "3").lines().filter(l -> l.startsWith("COMPLETED")))
                .containsExactly("COMPLETED " + id + " SUCCEEDED");
        assertThat(app("receive", "1").lines().filter(l -> l.startsWith("COMPLETED"))).isEmpty();

        // The task ran in its own process, on the image's runtime, with its arguments.
        String taskLog = Files.readString(location.stateDirectory().resolve("runs").resolve(id + ".log"));
        assertThat(taskLog).contains("SEED-TASK pid=" + running.pid() + " note=hello from the image java.home="
                + image.resolve("lib/runtime").toRealPath());
        // The broker is a JVM of ours, never the app's launcher (which would run the app's main).
        String brokerLog = Files.readString(location.logFile());
        assertThat(brokerLog).contains("Java tasks start with copies of " + image.resolve("bin/SeedApp"));
        assertThat(brokerLog).doesNotContain("started as pid " + running.pid() + ": [" + image.resolve("bin"));
        Optional<String> brokerCommand = ProcessHandle.of(Long.parseLong(Files.readString(location.pidFile())
                .trim())).flatMap(p -> p.info().command());
        brokerCommand.ifPresent(c -> assertThat(c).startsWith(location.stateDirectory().toString()));
        // No JVM warnings (JDK 22+: restricted methods without --enable-native-access).
        assertThat(warnings(brokerLog)).as(brokerLog).isEmpty();
        assertThat(warnings(taskLog)).as(taskLog).isEmpty();
    }

    private static List<String> warnings(String log) {
        return log.lines().filter(l -> l.contains("WARNING")).toList();
    }

    /** Runs the image's launcher, as a user would, and returns what the app printed. */
    private String app(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(image.resolve("bin").resolve("SeedApp").toString());
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile(home, "app", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().put(BrokerLocation.HOME_VARIABLE, home.toString());
        builder.environment().remove("BGTASKS_JAVA");
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the app did not exit within " + DEADLINE + "; stderr: " + Files.readString(stderr));
        }
        String printed = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit code of %s: %s %s", command, printed, Files.readString(stderr))
                .isZero();
        return printed;
    }

    private InstanceInfo await(UUID id, InstanceState state) throws IOException {
        RealBroker.await(() -> instance(id).map(i -> i.state() == state).orElse(false), DEADLINE,
                "instance " + id + " to be " + state + "; broker log:\n" + brokerLog());
        return instance(id).orElseThrow();
    }

    private Optional<InstanceInfo> instance(UUID id) {
        return watcher.instances(APP).stream().filter(i -> i.instanceId().equals(id)).findFirst();
    }

    private String brokerLog() throws IOException {
        return Files.exists(location.logFile()) ? Files.readString(location.logFile()) : "";
    }
}
